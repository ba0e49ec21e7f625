import type { ResolvedConfig } from '../core/config.js';
import type { CheckDefinition } from '../checks/define-check.js';
import { CATALOG } from '../checks/catalog.js';
import type { Snapshot } from '../checks/snapshot.js';
import { diffSnapshots } from './differ.js';
import { applyGate } from './gate.js';
import { buildDiffReport, type DiffReport } from './diff-report.js';

/** Diffs two snapshots, applies the configured gate and returns the report model to render. */
export function diffAndGate(
  pre: Snapshot,
  post: Snapshot,
  config: ResolvedConfig,
  checks: readonly CheckDefinition[] = CATALOG,
): DiffReport {
  const findings = diffSnapshots(pre, post, config, checks);
  return buildDiffReport({ pre, post, findings, policy: config.gate, gate: applyGate(findings, config.gate) });
}
