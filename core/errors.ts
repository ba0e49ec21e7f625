/**
 * The few error classes of the harness. Each has a stable `code`, a short message for the
 * terminal and a full one for the report, and keeps the server's SQLSTATE, detail and hint.
 */
export type ErrorCode =
  | 'usage' // bad flag or argument
  | 'config' // invalid configuration file
  | 'input' // unreadable or malformed input file (snapshot, run directory)
  | 'connect' // server unreachable, connection refused, TLS failure
  | 'auth' // authentication rejected
  | 'query' // a query the harness needed failed
  | 'provision' // a server could not be started or stopped
  | 'interrupted' // Ctrl-C
  | 'internal';

export interface CutoverErrorOptions {
  cause?: unknown;
  /** The full message (SQL, child stderr...) for the report. Defaults to the short one. */
  message?: string;
  sqlState?: string;
  detail?: string;
  hint?: string;
  /** Every problem of an input, one line each (a file's errors all at once, not only the first). */
  problems?: readonly string[];
  /** The program that failed, when the error is a tool's (pg_upgrade, psql, a step's command). */
  tool?: ToolFailure;
}

/** How a program the harness ran failed: what ran, how it ended, and the end of what it wrote to stderr. */
export interface ToolFailure {
  /** The command line, as run (secrets are never passed on command lines). */
  command: string;
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal?: string;
  timedOut?: boolean;
  /** The last lines of its standard error (or of its output, when stderr was empty). */
  stderrTail: string;
}

export class CutoverError extends Error {
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly sqlState?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly problems?: readonly string[];
  readonly tool?: ToolFailure;

  constructor(code: ErrorCode, shortMessage: string, options: CutoverErrorOptions = {}) {
    super(options.message ?? shortMessage, { cause: options.cause });
    this.name = 'CutoverError';
    this.code = code;
    this.shortMessage = shortMessage;
    if (options.sqlState !== undefined) this.sqlState = options.sqlState;
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.problems !== undefined) this.problems = options.problems;
    if (options.tool !== undefined) this.tool = options.tool;
  }

  /** The process exit code DESIGN.md documents for this class of error. */
  get exitCode(): number {
    return exitCodeFor(this.code);
  }
}

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
    case 'config':
    case 'input':
      return 2;
    case 'interrupted':
      return 130;
    default:
      return 3;
  }
}

/** A plain-data view of any error, safe to put in a snapshot or a report. */
export interface ErrorInfo {
  code?: string;
  message: string;
  sqlState?: string;
  detail?: string;
  hint?: string;
}

export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof CutoverError) {
    return stripUndefined({
      code: error.code,
      message: error.message,
      sqlState: error.sqlState,
      detail: error.detail,
      hint: error.hint,
    });
  }
  if (error instanceof Error) {
    const pgFields = error as Error & { code?: unknown; detail?: unknown; hint?: unknown };
    return stripUndefined({
      message: error.message,
      sqlState: isSqlState(pgFields.code) ? pgFields.code : undefined,
      detail: typeof pgFields.detail === 'string' ? pgFields.detail : undefined,
      hint: typeof pgFields.hint === 'string' ? pgFields.hint : undefined,
    });
  }
  return { message: String(error) };
}

/**
 * An error as run.json records it (a step's or the run's): the short message for people, the full
 * one when it says more, and every structured field the error carries (DESIGN.md, run.json).
 */
export interface ErrorRecord {
  code?: string;
  /** One line. */
  message: string;
  /** The whole message (SQL, a tool's output…), when it says more than `message`. */
  full?: string;
  sqlState?: string;
  detail?: string;
  hint?: string;
  problems?: string[];
  tool?: ToolFailure;
}

/**
 * The record of an error for run.json. `context` names what failed (`post-checks`, `report`…) and
 * starts the message. A PostgreSQL error keeps SQLSTATE, detail and hint; a tool's keeps its
 * command, exit and stderr tail.
 */
export function errorRecord(error: unknown, context?: string): ErrorRecord {
  const info = errorInfo(error);
  const short = error instanceof CutoverError ? error.shortMessage : info.message;
  const firstLine = short.split('\n')[0] ?? '';
  const message = context ? `${context}: ${firstLine}` : firstLine;
  const full = info.message.trim() !== firstLine.trim() ? info.message : undefined;
  return stripUndefined({
    code: info.code,
    message,
    full,
    sqlState: info.sqlState,
    detail: info.detail,
    hint: info.hint,
    problems: error instanceof CutoverError && error.problems ? [...error.problems] : undefined,
    tool: error instanceof CutoverError ? error.tool : undefined,
  });
}

/**
 * What a person needs under an error's short message in plain text (summary.md, a terminal):
 * `SQLSTATE 22012`, `DETAIL: …`, `HINT: …`, each on one line.
 */
export function errorRecordLines(record: ErrorRecord): string[] {
  const lines: string[] = [];
  if (record.sqlState) lines.push(`SQLSTATE ${record.sqlState}`);
  if (record.detail) lines.push(`DETAIL: ${oneLine(record.detail)}`);
  if (record.hint) lines.push(`HINT: ${oneLine(record.hint)}`);
  return lines;
}

/** How a tool ended, in words: `exit 1`, `killed by SIGKILL`, `timed out`. */
export function toolEnd(tool: ToolFailure): string {
  if (tool.timedOut) return 'timed out';
  if (tool.exitCode === null) return tool.signal ? `killed by ${tool.signal}` : 'no exit code';
  return `exit ${tool.exitCode}`;
}

/** Text whose line breaks would break a one-line field, its lines joined. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

/** The first line of an error's short message: for a log line. */
export function errorLine(error: unknown): string {
  return errorRecord(error).message;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Whether a `code` is a SQLSTATE: five characters, digits and capitals, at least one digit
 * (which tells `57P01` from socket codes such as `EPIPE`).
 */
export function isSqlState(code: unknown): code is string {
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /[0-9]/.test(code);
}
