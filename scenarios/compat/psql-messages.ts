/** One message psql printed while running a script (`VERBOSITY=verbose`), with the line it came from. */
export interface PsqlMessage {
  /** Line of the script (the end of the statement that raised it). */
  line: number;
  level: 'ERROR' | 'WARNING' | 'NOTICE' | 'FATAL';
  /** SQLSTATE, e.g. `42703`. */
  sqlState?: string;
  message: string;
  detail?: string;
  hint?: string;
  context?: string;
  /** `LINE 4:  SELECT ...` and the caret under the error position, as psql shows them. */
  position?: string;
}

const START = /^psql:(.*):(\d+): (ERROR|WARNING|NOTICE|FATAL): {2}(?:([0-9A-Z]{5}): )?(.*)$/;
const FIELD = /^(DETAIL|HINT|CONTEXT|QUERY|LOCATION):  ?(.*)$/;

/**
 * Parses psql's stderr from a script run with ON_ERROR_STOP off and VERBOSITY verbose: every
 * message with its script line, SQLSTATE and fields. Lines of another file (an `\i`) are kept
 * with their own line numbers only when `file` is not given.
 */
export function parsePsqlMessages(stderr: string, file?: string): PsqlMessage[] {
  const out: PsqlMessage[] = [];
  let current: PsqlMessage | undefined;
  let field: 'message' | 'detail' | 'hint' | 'context' | 'position' | 'skip' = 'message';
  for (const raw of stderr.split('\n')) {
    const start = START.exec(raw);
    if (start) {
      current = undefined;
      if (file !== undefined && start[1] !== file) continue;
      current = {
        line: Number(start[2]),
        level: start[3] as PsqlMessage['level'],
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
