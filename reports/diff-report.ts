import type { PublicEndpoint } from '../core/endpoint.js';
import { toolVersion } from '../core/tool-version.js';
import type { ServerIdentity, Snapshot } from '../checks/snapshot.js';
import { applyGate, type GatePolicy, type GateResult, type Verdict } from './gate.js';
import type { Finding, Severity } from '../checks/finding.js';
import { checkEntry } from './check-entry.js';

/** One side of a diff, as the report shows it: no check data, no secrets. */
export interface ReportSide {
  suite: Snapshot['suite'];
  takenAt: string;
  endpoint: PublicEndpoint;
  server: ServerIdentity;
  toolVersion: string;
}

export interface ReportCheckStatus {
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  durationMs?: number;
}

/** One row per check: how it went before and after, and how many findings it gave. */
export interface ReportCheck {
  id: string;
  title: string;
  pre?: ReportCheckStatus;
  post?: ReportCheckStatus;
  findings: Record<Severity, number>;
  failing: number;
}

export type GateOutcome = 'failing' | 'allowed' | 'ok';

export interface ReportFinding extends Finding {
  /** How the finding fared at the gate. */
  gate: GateOutcome;
}

export type StatusCounts = Record<ReportCheckStatus['status'], number>;

/**
 * Everything a renderer needs, computed once: renderers only format it and never query a
 * database. Serialised as is, it is `findings.json`.
 */
export interface DiffReport {
  kind: 'cutover.findings';
  schemaVersion: 1;
  tool: { name: 'cutover'; version: string };
  generatedAt: string;
  verdict: Verdict;
  gate: GatePolicy;
  summary: {
    findings: Record<Severity, number>;
    failing: number;
    allowed: number;
    checks: { pre: StatusCounts; post: StatusCounts };
  };
  pre: ReportSide;
  post: ReportSide;
  checks: ReportCheck[];
  findings: ReportFinding[];
}

export interface BuildDiffReportOptions {
  pre: Snapshot;
  post: Snapshot;
  findings: readonly Finding[];
  policy: GatePolicy;
  gate: GateResult;
  /** Defaults to now; fixed in tests. */
  generatedAt?: string;
}

/** Each finding with how it fared at the gate (by id): failing, allowed or ok. */
export function withGateOutcomes(findings: readonly Finding[], gate: Pick<GateResult, 'failing' | 'allowed'>): ReportFinding[] {
  const failing = new Set(gate.failing.map((f) => f.id));
  const allowed = new Set(gate.allowed.map((f) => f.id));
  return findings.map((f) => ({ ...f, gate: failing.has(f.id) ? 'failing' : allowed.has(f.id) ? 'allowed' : 'ok' }));
}

/**
 * A gated report's common parts (validate's, compat's): who made it and when, the gate applied to
 * `all` (verdict, policy), the counts for its summary, and each finding with its outcome.
 */
export function gatedReport<K extends string>(kind: K, all: readonly Finding[], policy: GatePolicy, generatedAt: string) {
  const gate = applyGate(all, policy);
  const findings = withGateOutcomes(all, gate);
  return {
    head: { kind, schemaVersion: 1 as const, tool: { name: 'cutover' as const, version: toolVersion() }, generatedAt, verdict: gate.verdict, gate: policy },
    counts: { findings: countSeverities(findings), failing: gate.failing.length, allowed: gate.allowed.length },
    findings,
  };
}

/** The gate's JUnit properties of a gated report. */
export function gateProperties(report: { gate: GatePolicy; summary: { failing: number } }): [string, string][] {
  return [
    ['gate.failOn', report.gate.failOn.join(',')],
    ['gate.failing', String(report.summary.failing)],
  ];
}

/** Assembles the report model of a diff from the snapshots, the findings and the gate's result. */
export function buildDiffReport(o: BuildDiffReportOptions): DiffReport {
  const findings = withGateOutcomes(o.findings, o.gate);
  return {
    kind: 'cutover.findings',
    schemaVersion: 1,
    tool: { name: 'cutover', version: toolVersion() },
    generatedAt: o.generatedAt ?? new Date().toISOString(),
    verdict: o.gate.verdict,
    gate: o.policy,
    summary: {
      findings: countSeverities(findings),
      failing: o.gate.failing.length,
      allowed: o.gate.allowed.length,
      checks: { pre: countStatuses(o.pre), post: countStatuses(o.post) },
    },
    pre: side(o.pre),
    post: side(o.post),
    checks: checkRows(o.pre, o.post, findings),
    findings,
  };
}

/** Counts findings by severity. */
export function countSeverities(findings: readonly Finding[]): Record<Severity, number> {
  const counts = { fail: 0, warn: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Counts a snapshot's checks by status. */
export function countStatuses(snapshot: Snapshot): StatusCounts {
  const counts = { ok: 0, skipped: 0, error: 0 };
  for (const entry of Object.values(snapshot.checks)) {
    const e = checkEntry(entry);
    if (e) counts[e.status]++;
  }
  return counts;
}

function side(s: Snapshot): ReportSide {
  return { suite: s.suite, takenAt: s.takenAt, endpoint: s.endpoint, server: s.server, toolVersion: s.tool?.version ?? '' };
}

function status(s: Snapshot, id: string): ReportCheckStatus | undefined {
  const raw = s.checks[id];
  const e = checkEntry(raw);
  if (!e) return undefined;
  const out: ReportCheckStatus = { status: e.status };
  if (e.status !== 'ok') out.reason = e.reason;
  if (typeof raw?.durationMs === 'number') out.durationMs = raw.durationMs;
  return out;
}

function checkRows(pre: Snapshot, post: Snapshot, findings: readonly ReportFinding[]): ReportCheck[] {
  // Snapshot order is catalog order; checks named only by findings (e.g. from a soak) come last.
  const ids = [...new Set([...Object.keys(pre.checks), ...Object.keys(post.checks), ...findings.map((f) => f.checkId)])];
  return ids.map((id) => {
    const own = findings.filter((f) => f.checkId === id);
    const row: ReportCheck = {
      id,
      title: post.checks[id]?.title ?? pre.checks[id]?.title ?? id,
      findings: countSeverities(own),
      failing: own.filter((f) => f.gate === 'failing').length,
    };
    const before = status(pre, id);
    const after = status(post, id);
    if (before) row.pre = before;
    if (after) row.post = after;
    return row;
  });
}
