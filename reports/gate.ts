import type { ResolvedConfig } from '../core/config.js';
import { matchesPattern } from '../checks/select.js';
import type { Finding } from '../checks/finding.js';

export type Verdict = 'pass' | 'warn' | 'fail';

/** What judges findings: the severities that fail and the ids allowed (the soak's limits are judged apart: `downtimeLimit`). */
export type GatePolicy = Pick<ResolvedConfig['gate'], 'failOn' | 'allow'>;

export interface GateResult {
  verdict: Verdict;
  /** Findings whose severity is in `failOn` and that no `allow` pattern names. */
  failing: Finding[];
  /** Findings whose severity is in `failOn` but that an `allow` pattern names. */
  allowed: Finding[];
}

/**
 * Applies the gate policy: a finding fails the gate when its severity is in `failOn` and its id
 * matches no `allow` pattern (exact, or a prefix ending in `*`). The verdict is `warn` when
 * nothing fails but a warning remains, or a finding that would have failed was allowed.
 */
export function applyGate(findings: readonly Finding[], gate: GatePolicy): GateResult {
  const failOn = new Set(gate.failOn);
  const failing: Finding[] = [];
  const allowed: Finding[] = [];
  for (const f of findings) {
    if (!failOn.has(f.severity)) continue;
    (gate.allow.some((p) => matchesPattern(f.id, p)) ? allowed : failing).push(f);
  }
  const verdict: Verdict =
    failing.length > 0 ? 'fail' : allowed.length > 0 || findings.some((f) => f.severity !== 'info') ? 'warn' : 'pass';
  return { verdict, failing, allowed };
}


/**
 * The user's downtime limit (`gate.maxDowntime`): over it the gate fails. Without a limit nothing
 * is judged (there is no default: what downtime is acceptable is the user's call), but the
 * downtime is shown either way.
 */
export function downtimeLimit(downtimeMs: number, maxDowntimeMs: number | undefined): { verdict: Verdict; reason?: string } {
  if (maxDowntimeMs === undefined || downtimeMs <= maxDowntimeMs) return { verdict: 'pass' };
  return { verdict: 'fail', reason: downtimeReason(downtimeMs, maxDowntimeMs) };
}

/** "client downtime 2,026 ms is above the limit of 500 ms (gate.maxDowntime)". */
export function downtimeReason(downtimeMs: number, maxDowntimeMs: number): string {
  return `client downtime ${downtimeMs.toLocaleString('en-US')} ms is above the limit of ${maxDowntimeMs.toLocaleString('en-US')} ms (gate.maxDowntime)`;
}
