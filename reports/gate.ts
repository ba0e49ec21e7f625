import type { ResolvedConfig } from '../core/config.js';
import { matchesPattern } from '../checks/select.js';
import type { Finding } from './finding.js';

export type Verdict = 'pass' | 'warn' | 'fail';

export type GatePolicy = ResolvedConfig['gate'];

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

