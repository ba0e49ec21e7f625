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
}

export class CutoverError extends Error {
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly sqlState?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly problems?: readonly string[];

  constructor(code: ErrorCode, shortMessage: string, options: CutoverErrorOptions = {}) {
    super(options.message ?? shortMessage, { cause: options.cause });
    this.name = 'CutoverError';
    this.code = code;
    this.shortMessage = shortMessage;
    if (options.sqlState !== undefined) this.sqlState = options.sqlState;
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.problems !== undefined) this.problems = options.problems;
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
