import type { Severity } from '../checks/finding.js';
import { dataFindingKind, dataFindings, type DataFindingKind } from '../validate/data-findings.js';
import type { ValidationResult } from '../validate/result.js';
import { gatedReport, type ReportFinding } from './diff-report.js';
import type { GatePolicy, Verdict } from './gate.js';

/** What the `cutover validate` renderers print, computed once: the result, its `data/*` findings and the gate's verdict. */
export interface ValidateReport {
  kind: 'cutover.validate';
  schemaVersion: 1;
  tool: { name: 'cutover'; version: string };
  generatedAt: string;
  verdict: Verdict;
  gate: GatePolicy;
  summary: { findings: Record<Severity, number>; failing: number; allowed: number };
  findings: ReportFinding[];
  result: ValidationResult;
}

/** Kinds that say a table could not be compared: failing the gate on these alone is "could not complete". */
const NOT_COMPARED: ReadonlySet<DataFindingKind> = new Set(['error', 'stopped']);

/** Applies the gate policy to a validation's `data/*` findings. */
export function buildValidateReport(result: ValidationResult, policy: GatePolicy, generatedAt = new Date().toISOString()): ValidateReport {
  const { head, counts, findings } = gatedReport('cutover.validate', dataFindings(result), policy, generatedAt);
  return {
    ...head,
    summary: counts,
    findings,
    result,
  };
}

/**
 * The exit code of a validation (DESIGN.md): 130 interrupted, 3 stopped part-way; else 1 when a
 * finding fails the gate, 3 when only tables that could not be compared fail it, 0 otherwise
 * (equal, or whatever differs is allowed by the gate).
 */
export function validateExitCode(report: ValidateReport): number {
  const { stopped } = report.result;
  if (stopped) return stopped.code === 'interrupted' ? 130 : 3;
  const failing = report.findings.filter((f) => f.gate === 'failing');
  if (failing.length === 0) return 0;
  return failing.every((f) => NOT_COMPARED.has(dataFindingKind(f) ?? 'missing')) ? 3 : 1;
}
