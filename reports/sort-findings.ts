import { type Finding, SEVERITY_ORDER } from '../checks/finding.js';

/** Orders findings the way every report shows them: most severe first, then by id. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || compareIds(a.id, b.id),
  );
}

// Code-point order, not locale order, so the same findings sort the same on every machine.
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
