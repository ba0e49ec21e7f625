/** One message psql printed while running a script (`VERBOSITY=verbose`), with the line it came from. */
export interface PsqlMessage {
  /** Line of the script (the end of the statement that raised it). */
  line: number;
  level: PsqlLevel;
  /** SQLSTATE, e.g. `42703`. */
  sqlState?: string;
  message: string;
  detail?: string;
  hint?: string;
  context?: string;
  /** `LINE 4:  SELECT ...` and the caret under the error position, as psql shows them. */
  position?: string;
}

export type PsqlLevel = 'ERROR' | 'WARNING' | 'NOTICE' | 'FATAL' | 'PANIC';

/** A message in any output of psql: from a script (`psql:FILE:LINE: ERROR: …`) or not (`-c`, where no file or line is printed). */
export type PsqlOutputMessage = Omit<PsqlMessage, 'line'> & { file?: string; line?: number };

// `psql:FILE:LINE: ` is printed for a script (-f, stdin); a `-c` statement's message has no prefix.
const START = /^(?:psql:(.*):(\d+): )?(ERROR|WARNING|NOTICE|FATAL|PANIC): {2}(?:([0-9A-Z]{5}): )?(.*)$/;
const FIELD = /^(DETAIL|HINT|CONTEXT|QUERY|LOCATION):  ?(.*)$/;

/**
 * Every message psql printed in `output` (its stderr, or output it was merged into), with its
 * SQLSTATE (printed with VERBOSITY verbose only), detail, hint and context.
 */
export function readPsqlMessages(output: string): PsqlOutputMessage[] {
  const out: PsqlOutputMessage[] = [];
  let current: PsqlOutputMessage | undefined;
  let field: 'message' | 'detail' | 'hint' | 'context' | 'position' | 'skip' = 'message';
  for (const raw of output.replace(/\r/g, '').split('\n')) {
    const start = START.exec(raw);
    if (start) {
      current = {
        ...(start[1] !== undefined ? { file: start[1], line: Number(start[2]) } : {}),
        level: start[3] as PsqlLevel,
        ...(start[4] ? { sqlState: start[4] } : {}),
        message: start[5] ?? '',
      };
      field = 'message';
      out.push(current);
      continue;
    }
    if (!current) continue;
    const f = FIELD.exec(raw);
    if (f) {
      const name = f[1];
      field = name === 'DETAIL' ? 'detail' : name === 'HINT' ? 'hint' : name === 'CONTEXT' ? 'context' : 'skip';
      if (field !== 'skip') current[field] = f[2] ?? '';
      continue;
    }
    if (/^LINE \d+: /.test(raw)) {
      field = 'position';
      current.position = raw;
      continue;
    }
    // A continuation of the last field (multi-line messages, the caret line under LINE n:).
    if (field !== 'skip' && raw !== '') current[field] = `${current[field] ?? ''}\n${raw}`;
  }
  return out;
}

/**
 * Parses psql's stderr from a script run with ON_ERROR_STOP off and VERBOSITY verbose: every
 * message with its script line, SQLSTATE and fields. Lines of another file (an `\i`) are kept
 * with their own line numbers only when `file` is not given.
 */
export function parsePsqlMessages(stderr: string, file?: string): PsqlMessage[] {
  return readPsqlMessages(stderr).flatMap(({ file: from, line, ...m }) =>
    line === undefined || (file !== undefined && from !== file) ? [] : [{ line, ...m }],
  );
}

/** The error that ended a psql (the last ERROR, FATAL or PANIC of its output), if it printed one. */
export function lastPsqlError(output: string): PsqlOutputMessage | undefined {
  return readPsqlMessages(output).findLast((m) => m.level === 'ERROR' || m.level === 'FATAL' || m.level === 'PANIC');
}
