import type { SoakAnalysis } from '../load/analysis/analyse-soak.js';
import type { SoakSummary } from '../load/analysis/soak-summary.js';
import type { StepFigures } from '../load/analysis/step-breakdown.js';
import type { SoakRecord } from '../load/soak-record.js';
import type { SoakRunResult } from '../load/soak-run.js';
import type { LedgerVerification } from '../load/verify-ledger.js';
import type { StepRecord } from './manifest.js';
import { soakEvidence, type SoakEvidence } from '../load/analysis/soak-evidence.js';

/** Ids kept in run.json per verdict (the full lists can be long; the counts are exact). */
const IDS_IN_MANIFEST = 100;

/** The soak section of run.json before the load starts: enough for `cutover verify` after a crash. */
export function newSoakRecord(p: {
  workload: string;
  schema: string;
  rate: number;
  plannedDurationMs: number | null;
  timeoutMs: number;
  degradedThresholdMs: number;
  probeIntervalMs?: number;
}): SoakRecord {
  return {
    driver: 'node',
    workload: p.workload,
    schema: p.schema,
    rate: p.rate,
    plannedDurationMs: p.plannedDurationMs,
    timeoutMs: p.timeoutMs,
    degradedThresholdMs: p.degradedThresholdMs,
    lanes: { driver: { intervalMs: 1000 / p.rate }, ...(p.probeIntervalMs ? { probe: { intervalMs: p.probeIntervalMs } } : {}) },
    writers: [],
  };
}

/** Adds what the load did to the soak section. */
export function recordLoad(record: SoakRecord, result: SoakRunResult): void {
  const d = result.driver;
  record.startedAt = d.startedAt;
  record.endedAt = d.endedAt;
  record.durationMs = Math.round(d.durationMs);
  record.load = { attempts: d.attempts, ok: d.ok, failed: d.failed, errors: d.errors, errorMessages: d.errorMessages, abandoned: d.abandoned, stoppedBy: d.stoppedBy, lagMs: d.lagMs, latencyMs: d.latencyMs };
  const probe = result.lanes.probe;
  if (probe) {
    record.probe = { attempts: probe.attempts, ok: probe.ok, failed: probe.failed, errors: probe.errors ?? {}, ...(probe.errorMessages ? { errorMessages: probe.errorMessages } : {}) };
  }
  record.seqClock = result.seqClock.toJSON();
  if (result.writerServers.seen.length > 0) record.writerServers = result.writerServers;
}

/** Adds verification and analysis to the soak section. */
export function recordVerification(record: SoakRecord, verification: LedgerVerification, analysis: SoakAnalysis): void {
  const { downtime } = analysis;
  record.summary = analysis.summary;
  record.downtime = {
    lane: downtime.lane,
    note: downtime.note,
    degraded: downtime.degraded.map((w) => ({
      start: new Date(w.start).toISOString(),
      end: new Date(w.end).toISOString(),
      durationMs: w.durationMs,
      slowAttempts: w.slowAttempts,
      maxLatencyMs: w.maxLatencyMs,
      lane: w.lane,
      resolutionMs: w.resolutionMs,
    })),
  };
  record.verification = {
    lostIds: verification.ids.lost.slice(0, IDS_IN_MANIFEST),
    unexpectedIds: verification.ids.unexpected.slice(0, IDS_IN_MANIFEST),
    duplicatedIds: verification.ids.duplicated.slice(0, IDS_IN_MANIFEST),
    queries: verification.queries,
    durationMs: Math.round(verification.durationMs),
    verifiedAt: new Date().toISOString(),
  };
}

/** A step record's measured fields from the soak's share of the step. */
export function stepSoakFields(f: StepFigures): Pick<StepRecord, 'downtimeMs' | 'failedAttempts' | 'lost' | 'unexpected' | 'duplicated' | 'downtimeResolutionMs' | 'outages'> {
  return {
    downtimeMs: f.downtimeMs,
    failedAttempts: f.failedAttempts,
    lost: f.lost,
    unexpected: f.unexpected,
    duplicated: f.duplicated,
    downtimeResolutionMs: f.downtimeResolutionMs,
    outages: f.outages,
  };
}

/** The one step of a `cutover soak` run: the whole soak, its figures the run's totals. */
export function wholeSoakStep(o: { startedAt: number; endedAt: number; status: StepRecord['status']; summary: SoakSummary }): StepRecord {
  const { summary } = o;
  return {
    name: 'soak',
    action: 'soak',
    status: o.status,
    startedAt: new Date(o.startedAt).toISOString(),
    endedAt: new Date(o.endedAt).toISOString(),
    durationMs: o.endedAt - o.startedAt,
    ...stepSoakFields({ ...summary, failedAttempts: summary.outages.reduce((sum, w) => sum + w.failedAttempts, 0), downtimeResolutionMs: summary.resolutionMs }),
  };
}

/**
 * Judges what the soak measured and records it: the evidence rules (load/analysis/soak-evidence.ts)
 * and, when the user set one, the downtime limit. Returns the evidence.
 */
export function recordJudgement(record: SoakRecord, o: { minSuccessRatio: number; maxDowntimeMs?: number }): SoakEvidence | undefined {
  const { load, summary } = record;
  if (!load || !summary) return undefined;
  record.evidence = soakEvidence({ load, ledger: { attempts: summary.attempts, confirmed: summary.confirmed }, minSuccessRatio: o.minSuccessRatio });
  if (o.maxDowntimeMs !== undefined) {
    record.downtimeLimit = { maxDowntimeMs: o.maxDowntimeMs, downtimeMs: summary.downtimeMs, exceeded: summary.downtimeMs > o.maxDowntimeMs };
  } else {
    delete record.downtimeLimit;
  }
  return record.evidence;
}
