export type Severity = 'info' | 'warn' | 'fail';

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warn: 1, fail: 2 };

/** What a check's rule returns: the check id is added by the differ. */
export interface FindingInput {
  /**
   * Stable key within the check, e.g. `extension-dropped:appdb:vector`. The finding id is
   * `<checkId>/<key>`, which is what gate allow-lists name.
   */
  key: string;
  severity: Severity;
  /** One line, for people. */
  message: string;
  /** The object concerned (database, table, role...), as data. */
  object?: string;
  /** Values that support the finding (pre, post, ratio...). Plain JSON. */
  details?: Record<string, unknown>;
}

/** Which rule produced a finding: a check's compare, its evaluate, or the differ itself. */
export type FindingSource = 'compare' | 'evaluate' | 'differ';

export interface Finding extends FindingInput {
  id: string;
  checkId: string;
  source?: FindingSource;
  /** For an `evaluate` finding in a diff: the same finding was already there before. */
  preExisting?: boolean;
}
