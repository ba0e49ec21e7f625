import type { Endpoint } from '../core/endpoint.js';
import { CutoverError } from '../core/errors.js';
import { SoakRun } from '../load/soak-run.js';
import { verifyRunLedger } from '../load/soak-verify.js';
import type { LedgerVerification } from '../load/verify-ledger.js';
import type { WriterLedger } from '../load/ledger-types.js';
import type { SeqClock } from '../load/analysis/seq-clock.js';
import { analyseSoak, type SoakAnalysis } from '../load/analysis/analyse-soak.js';
import { sampleText } from '../load/analysis/soak-evidence.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import type { RunManifest } from '../run/manifest.js';
import { newSoakRecord, recordLoad, recordVerification, stepSoakFields } from '../run/soak-results.js';

/** Settings of the soak a scenario runs through its steps. */
export const SCENARIO_SOAK = { schema: 'cutover', probeIntervalMs: 20, degradedThresholdMs: 500, timeoutMs: 1_000, startTimeoutMs: 30_000 } as const;

/**
 * Through a pause-style switch (PgBouncer, transaction pooling) the load parses every statement
 * unnamed, and an attempt may wait out the whole PAUSE: a stall is a degraded window, not a failure.
 * A local PAUSE switchover holds clients for some 20 to 80 ms (measured: PAUSE, zero-lag check,
 * sequences, RELOAD, RESUME), while latency through PgBouncer is otherwise a few ms: successes
 * slower than 20 ms count as degraded there, or the stall would not show at all.
 */
export const PAUSE_SOAK = { timeoutMs: 10_000, degradedThresholdMs: 20 } as const;

/**
 * Starts the soak that runs through a scenario's steps (ledgered load plus probe, into the run
 * directory) and records its setup in `run.json`; resolves once the load has succeeded, so that
 * every outage of the steps opens after a success.
 */
export async function startSoakThrough(o: {
  runDir: string;
  endpoint: Endpoint;
  workload: WorkloadDefinition;
  rate: number;
  manifest: RunManifest;
  save: () => Promise<void>;
  signal?: AbortSignal;
  /** The style of the endpoint switch the load goes through, if any (`pause`: see PAUSE_SOAK). */
  switchStyle?: 'hard' | 'pause';
  /** Each second of the load as the timeline records it (e.g. published to CloudWatch); must not block. */
  onSecond?: (bucket: TimelineBucket) => void;
  /** The run's log: each error class is announced there the first time it is seen, with its words. */
  log?: (line: string) => void;
}): Promise<SoakRun> {
  const pooled = o.switchStyle === 'pause';
  const timeoutMs = pooled ? PAUSE_SOAK.timeoutMs : SCENARIO_SOAK.timeoutMs;
  const degradedThresholdMs = pooled ? PAUSE_SOAK.degradedThresholdMs : SCENARIO_SOAK.degradedThresholdMs;
  const record = newSoakRecord({
    workload: o.workload.name,
    schema: SCENARIO_SOAK.schema,
    rate: o.rate,
    plannedDurationMs: null,
    timeoutMs,
    degradedThresholdMs,
    probeIntervalMs: SCENARIO_SOAK.probeIntervalMs,
  });
  o.manifest.soak = record;
  Object.assign(o.manifest.files, { ledger: 'ledger/', timeline: 'timeline.ndjson', windows: 'windows.ndjson' });
  const soak = new SoakRun({
    endpoint: o.endpoint,
    runDir: o.runDir,
    workload: o.workload,
    rate: o.rate,
    schema: SCENARIO_SOAK.schema,
    timeoutMs,
    unnamedStatements: pooled,
    probe: { intervalMs: SCENARIO_SOAK.probeIntervalMs, ...(pooled ? { timeoutMs } : {}) },
    degradedThresholdMs,
    signal: o.signal,
    ...(o.onSecond ? { onSecond: o.onSecond } : {}),
    onNewErrorClass: (lane, s) => o.log?.(`soak: ${lane === 'probe' ? 'probe: ' : ''}new error class ${s.errorClass}${s.sqlState && !s.errorClass.endsWith(s.sqlState) ? ` (SQLSTATE ${s.sqlState})` : ''}: ${s.message}`),
    onWriter: (writer) => {
      record.writers.push(writer);
      void o.save().catch(() => {});
    },
  });
  await o.save();
  if (!(await soak.waitServing(SCENARIO_SOAK.startTimeoutMs))) {
    soak.stop();
    await soak.done;
    // Say why: the first words of the load's failures (the probe's when the load has none).
    const samples = soak.driverLane.errorMessages().samples;
    const why = sampleText(samples.length ? samples : (soak.probeLane?.errorMessages().samples ?? []));
    throw new CutoverError('query', `the soak did not get a single success within ${SCENARIO_SOAK.startTimeoutMs / 1000} s${why ? `: the load never succeeded: ${why}` : ''}`);
  }
  return soak;
}

/**
 * Stops the soak, verifies its ledger against the final writer and gives each step of the run
 * its share of the figures (downtime, failed attempts, lost, unexpected, duplicated).
 */
export async function finishSoakThrough(o: { soak: SoakRun; runDir: string; endpoint: Endpoint; manifest: RunManifest; log: (line: string) => void }): Promise<SoakAnalysis & { verification: LedgerVerification; ledgers: readonly WriterLedger[]; clock: SeqClock }> {
  const record = o.manifest.soak;
  if (!record) throw new CutoverError('internal', 'finishSoakThrough: the run has no soak record');
  o.soak.stop();
  const result = await o.soak.done;
  recordLoad(record, result);
  o.log(`soak: ${result.driver.attempts} attempts, ${result.driver.failed} failed; verifying the ledger`);
  const verified = await verifyRunLedger({ runDir: o.runDir, endpoint: o.endpoint, schema: record.schema });
  const steps = o.manifest.steps;
  const analysis = analyseSoak({
    lanes: result.lanes,
    verification: verified.verification,
    ledgers: verified.ledgers,
    clock: result.seqClock,
    steps: steps.map((s) => ({ startedAt: Date.parse(s.startedAt), endedAt: Date.parse(s.endedAt) })),
  });
  recordVerification(record, verified.verification, analysis);
  steps.forEach((step, i) => {
    const figures = analysis.steps[i];
    if (figures) Object.assign(step, stepSoakFields(figures));
  });
  const s = analysis.summary;
  o.log(`ledger: ${s.attempts} ledgered writes, ${s.confirmed} confirmed, ${s.lost} lost, ${s.unexpected} unexpected, ${s.duplicated} duplicated; downtime ${s.downtimeMs} ms (${analysis.downtime.note})`);
  // The runner sorts the ids missing at a switchover's resume point by this final verification
  // (late or lost), then lists every flagged id with its due time (ledgers and clock).
  return { ...analysis, verification: verified.verification, ledgers: verified.ledgers, clock: result.seqClock };
}
