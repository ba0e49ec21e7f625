import type { ResolvedConfig } from '../core/config.js';
import type { CheckDefinition } from '../checks/define-check.js';
import { CATALOG } from '../checks/catalog.js';
import type { Snapshot } from '../checks/snapshot.js';
import type { Finding } from '../checks/finding.js';
import { diffSnapshots } from './differ.js';
import { applyGate } from './gate.js';
import { buildDiffReport, type DiffReport } from './diff-report.js';

/**
 * Diffs two snapshots, applies the configured gate and returns the report model to render.
 * `more`: findings of the run found elsewhere (data validation's `data/*`), judged by the same gate.
 */
export function diffAndGate(
  pre: Snapshot,
  post: Snapshot,
  config: ResolvedConfig,
  checks: readonly CheckDefinition[] = CATALOG,
  more: readonly Finding[] = [],
): DiffReport {
  const findings = [...diffSnapshots(pre, post, config, checks), ...more];
  return buildDiffReport({ pre, post, findings, policy: config.gate, gate: applyGate(findings, config.gate) });
}
