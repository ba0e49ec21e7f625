import type { Session } from '../core/session.js';
import type { ErrorInfo } from '../core/errors.js';
import type { ResolvedConfig } from '../core/config.js';
import type { FindingInput, Severity } from './finding.js';

export type Suite = 'pre' | 'post';

/** What a check sees while collecting. Every session it gets is read-only. */
export interface CheckContext {
  /** A read-only session on the database named by the endpoint. */
  readonly db: Session;
  readonly serverVersionNum: number;
  readonly suite: Suite;
  readonly config: ResolvedConfig;
  /** Every database that accepts connections, for checks that look inside each one. */
  databases(): Promise<string[]>;
  /** A read-only session on another database of the same server; closed by the suite. */
  connect(database: string): Promise<Session>;
  /**
   * A fresh read-only session on a database, for work a check runs in parallel (exact counts).
   * The suite closes it at the end; a check may close it earlier.
   */
  openSession(database: string): Promise<Session>;
  /** Returned by `collect` when the check cannot look here; the reason is shown to the user. */
  skip(reason: string): Skipped;
}

export interface Skipped {
  readonly skipped: true;
  readonly reason: string;
}

export function isSkipped(value: unknown): value is Skipped {
  return typeof value === 'object' && value !== null && (value as Skipped).skipped === true;
}

/** What a check's pre/post comparison and evaluation see besides the data. */
export interface CompareContext {
  readonly config: ResolvedConfig;
  readonly pre: { serverVersionNum: number };
  readonly post: { serverVersionNum: number };
}

export interface EvaluateContext {
  readonly config: ResolvedConfig;
  readonly serverVersionNum: number;
  readonly suite: Suite;
}

/**
 * What the generated reference (docs/reference/checks.md) says of a check. Kept beside the code
 * it describes so that a change to a rule and to its documentation are one edit.
 */
export interface CheckDoc {
  /** What it collects, and from where. */
  collects: string;
  /** What `evaluate` looks for in one snapshot (absent when the check has no evaluate). */
  evaluates?: string;
  /** What `compare` looks for between pre and post (absent when the check has no compare). */
  compares?: string;
  /** Its findings by key (the part before the first `:`): severity and meaning. */
  findings: Record<string, { severity: Severity | 'varies'; meaning: string }>;
}

export interface CheckDefinition<T = unknown> {
  /** Stable id, dotted, e.g. `server.settings`. Finding ids start with it. */
  id: string;
  /** One line for people. */
  title: string;
  /** Suites the check belongs to; default both. */
  suites?: Suite[];
  /** Its reference documentation (required of built-in checks by test/unit/reference-docs.test.ts). */
  doc?: CheckDoc;
  /** Collects plain JSON data over read-only sessions. Throws only when it cannot look. */
  collect(ctx: CheckContext): Promise<T | Skipped>;
  /** Findings from one snapshot alone (an invalid index, a failing custom check). */
  evaluate?(data: T, ctx: EvaluateContext): FindingInput[];
  /** Findings from comparing the pre data with the post data. */
  compare?(pre: T, post: T, ctx: CompareContext): FindingInput[];
}

/** Declares a check. A new check is one file and one line in `checks/catalog.ts`. */
export function defineCheck<T>(definition: CheckDefinition<T>): CheckDefinition<T> {
  return definition;
}

/** The outcome of one check in a snapshot. */
export interface CheckResult<T = unknown> {
  status: 'ok' | 'skipped' | 'error';
  durationMs: number;
  data?: T;
  reason?: string;
  error?: ErrorInfo;
}
