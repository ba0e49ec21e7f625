import type { DiffReport } from '../diff-report.js';
import type { Finding } from '../../checks/finding.js';
import { SEVERITY_ORDER } from '../../checks/finding.js';
import type { FindingDifference, FindingsComparison } from './comparison.js';

/** A finding's identity across runs: its id and the object it concerns. */
function identity(f: Pick<Finding, 'id' | 'object'>): string {
  return `${f.id}\u0000${f.object ?? ''}`;
}

/**
 * The findings of two runs' diffs set against each other: those present in only one run, and
 * those in both at another severity (most severe first).
 */
export function compareFindings(a: DiffReport | null, b: DiffReport | null): FindingsComparison {
  const inA = new Map((a?.findings ?? []).map((f) => [identity(f), f]));
  const inB = new Map((b?.findings ?? []).map((f) => [identity(f), f]));
  const differences: FindingDifference[] = [];
  let unchanged = 0;
  for (const [key, f] of inA) {
    const other = inB.get(key);
    if (other?.severity === f.severity) {
      unchanged++;
      continue;
    }
    differences.push(difference(other ?? f, f, other));
  }
  for (const [key, f] of inB) if (!inA.has(key)) differences.push(difference(f, undefined, f));
  const worst = (d: FindingDifference) => Math.max(d.a ? SEVERITY_ORDER[d.a] : -1, d.b ? SEVERITY_ORDER[d.b] : -1);
  differences.sort((x, y) => worst(y) - worst(x) || x.id.localeCompare(y.id));
  return { available: { a: a !== null, b: b !== null }, unchanged, differences };
}

function difference(shown: Finding, a: Finding | undefined, b: Finding | undefined): FindingDifference {
  const d: FindingDifference = { id: shown.id, checkId: shown.checkId, message: shown.message };
  if (shown.object !== undefined) d.object = shown.object;
  if (a) d.a = a.severity;
  if (b) d.b = b.severity;
  return d;
}
