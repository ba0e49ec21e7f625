import type { Endpoint } from '../core/endpoint.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import type { StepRecord } from '../run/manifest.js';
import { SoakLifecycle, type VerifiedSoak } from '../run/soak-lifecycle.js';
import { stepSoakFields } from '../run/soak-results.js';
import { claimedLost } from '../run/flagged-ids-record.js';

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
 * directory), until stopped. Its record and files (`record`, `files`) belong in run.json now;
 * `soakServing` then waits for the load's first success.
 */
export function startSoakThrough(o: {
  runDir: string;
  endpoint: Endpoint;
  workload: WorkloadDefinition;
  rate: number;
  signal?: AbortSignal;
  /** The style of the endpoint switch the load goes through, if any (`pause`: see PAUSE_SOAK). */
  switchStyle?: 'hard' | 'pause';
  /** Each second of the load as the timeline records it (e.g. published to CloudWatch); must not block. */
  onSecond?: (bucket: TimelineBucket) => void;
  /** The run's log: each error class is announced there the first time it is seen, with its words. */
  log?: (line: string) => void;
  /** The soak record changed (a writer registered): rewrite run.json; must not block. */
  onRecord: () => void;
}): SoakLifecycle {
  const pooled = o.switchStyle === 'pause';
  const timeoutMs = pooled ? PAUSE_SOAK.timeoutMs : SCENARIO_SOAK.timeoutMs;
  const soak = new SoakLifecycle({
    runDir: o.runDir,
    endpoint: o.endpoint,
    settings: {
      workload: o.workload,
      schema: SCENARIO_SOAK.schema,
      rate: o.rate,
      durationMs: null,
      timeoutMs,
      degradedThresholdMs: pooled ? PAUSE_SOAK.degradedThresholdMs : SCENARIO_SOAK.degradedThresholdMs,
      probe: { intervalMs: SCENARIO_SOAK.probeIntervalMs, ...(pooled ? { timeoutMs } : {}) },
      unnamedStatements: pooled,
    },
    hooks: {
      signal: o.signal,
      ...(o.onSecond ? { onSecond: o.onSecond } : {}),
      onNewErrorClass: (lane, s) => o.log?.(`soak: ${lane === 'probe' ? 'probe: ' : ''}new error class ${s.errorClass}${s.sqlState && !s.errorClass.endsWith(s.sqlState) ? ` (SQLSTATE ${s.sqlState})` : ''}: ${s.message}`),
      onRecord: o.onRecord,
    },
  });
  soak.start();
  return soak;
}

/** Resolves once the load has succeeded, so that every outage of the steps opens after a success. */
export function soakServing(soak: SoakLifecycle): Promise<void> {
  return soak.untilServing(SCENARIO_SOAK.startTimeoutMs);
}

/**
 * Stops the soak, verifies its ledger against the final writer and returns the steps, each with
 * its share of the figures (downtime, failed attempts, lost, unexpected, duplicated).
 */
export async function finishSoakThrough(o: { soak: SoakLifecycle; endpoint: Endpoint; steps: readonly StepRecord[]; log: (line: string) => void }): Promise<VerifiedSoak & { steps: StepRecord[] }> {
  o.soak.stop();
  const result = await o.soak.drain();
  o.log(`soak: ${result.driver.attempts} attempts, ${result.driver.failed} failed; verifying the ledger`);
  const verified = await o.soak.verify(
    o.endpoint,
    o.steps.map((s) => ({ startedAt: Date.parse(s.startedAt), endedAt: Date.parse(s.endedAt), ...claimedLost(s) })),
  );
  const { analysis } = verified;
  const steps = o.steps.map((step, i) => {
    const figures = analysis.steps[i];
    return figures ? { ...step, ...stepSoakFields(figures) } : step;
  });
  const s = analysis.summary;
  o.log(`ledger: ${s.attempts} ledgered writes, ${s.confirmed} confirmed, ${s.lost} lost, ${s.unexpected} unexpected, ${s.duplicated} duplicated; downtime ${s.downtimeMs} ms (${analysis.downtime.note})`);
  // The runner sorts the ids missing at a switchover's resume point by this final verification
  // (late or lost), then lists every flagged id with its due time (ledgers and clock).
  return { ...verified, steps };
}

