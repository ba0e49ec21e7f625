import type { GatePolicy, Verdict } from '../gate.js';
import { gatedReport, type ReportFinding } from '../diff-report.js';
import type { Severity } from '../../checks/finding.js';
import type { CompatResult } from '../../scenarios/compat/compat-types.js';
import { PG_UPGRADE_CHECK_ID } from '../../scenarios/compat/pg-upgrade-check.js';
import { RESTORE_CHECK_ID } from '../../scenarios/compat/restore-findings.js';
import { ROLES_CHECK_ID } from '../../scenarios/compat/role-findings.js';

/** The checks of a compatibility rehearsal, in the order reports list them. */
export const COMPAT_CHECKS = [
  { id: ROLES_CHECK_ID, title: 'roles restore on the target' },
  { id: RESTORE_CHECK_ID, title: 'every schema statement restores on the target' },
  { id: PG_UPGRADE_CHECK_ID, title: "the target's pg_upgrade --check passes on a copy of the source" },
] as const;

/** What the compat renderers print, computed once (as `findings.json` is for a diff). */
export interface CompatReport {
  kind: 'cutover.compat';
  schemaVersion: 1;
  tool: { name: 'cutover'; version: string };
  generatedAt: string;
  verdict: Verdict;
  gate: GatePolicy;
  durationMs: number;
  source: CompatResult['source'];
  target: CompatResult['target'];
  summary: {
    findings: Record<Severity, number>;
    failing: number;
    allowed: number;
    entries: number;
    failedEntries: number;
    roles: number;
  };
  pgUpgradeCheck?: CompatResult['pgUpgradeCheck'];
  findings: ReportFinding[];
}

/** Applies the gate policy to a rehearsal's findings and assembles the report model. */
export function buildCompatReport(result: CompatResult, policy: GatePolicy, generatedAt = new Date().toISOString()): CompatReport {
  const { head, counts, findings } = gatedReport('cutover.compat', result.findings, policy, generatedAt);
  return {
    ...head,
    durationMs: result.durationMs,
    source: result.source,
    target: result.target,
    summary: {
      ...counts,
      entries: result.entries,
      failedEntries: result.failedEntries,
      roles: result.roles,
    },
    ...(result.pgUpgradeCheck ? { pgUpgradeCheck: { ...result.pgUpgradeCheck } } : {}),
    findings,
  };
}
