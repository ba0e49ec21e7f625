import type { ResolvedConfig } from '../core/config.js';
import type { CheckDefinition } from '../checks/define-check.js';
import { CATALOG } from '../checks/catalog.js';
import type { Snapshot } from '../checks/snapshot.js';
import type { Finding } from '../checks/finding.js';
import { checkEntry } from './check-entry.js';
import { evaluateData } from './run-rule.js';
import { toFinding } from '../checks/to-finding.js';
import { sortFindings } from './sort-findings.js';

/**
 * Findings from one snapshot alone (what `cutover check` reports): each check's evaluate rule,
 * plus a warning for every check that could not look. Most severe first, then by id.
 */
export function evaluateSnapshot(
  snapshot: Snapshot,
  config: ResolvedConfig,
  checks: readonly CheckDefinition[] = CATALOG,
): Finding[] {
  const known = new Map(checks.map((c) => [c.id, c]));
  const ctx = { config, serverVersionNum: snapshot.server.versionNum, suite: snapshot.suite };
  const findings: Finding[] = [];
  for (const [id, raw] of Object.entries(snapshot.checks)) {
    const entry = checkEntry(raw);
    const check = known.get(id);
    if (!check) {
      findings.push(
        toFinding(
          id,
          { key: 'unknown-check', severity: 'info', message: `check ${id} is not known to this version of cutover; not evaluated` },
          'differ',
        ),
      );
    } else if (entry?.status === 'ok') {
      findings.push(...evaluateData(check, entry.data, ctx));
    } else if (entry?.status === 'error') {
      findings.push(
        toFinding(
          id,
          {
            key: `error-${snapshot.suite}`,
            severity: 'warn',
            message: `${id} could not look: ${entry.reason}`,
            details: { suite: snapshot.suite, reason: entry.reason },
          },
          'differ',
        ),
      );
    }
  }
  return sortFindings(findings);
}
