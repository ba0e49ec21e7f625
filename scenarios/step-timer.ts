import type { Endpoint } from '../core/endpoint.js';
import { ProbeLane } from '../load/probe-lane.js';
import { outageWindows } from '../load/outages.js';
import { errorRecord, type ErrorRecord } from '../core/errors.js';
import type { StepRecord } from '../run/manifest.js';

export interface StepContext {
  /** Marks the start of a named sub-phase (stop, start...). */
  phase(name: string): void;
}

/**
 * Runs one step of a run, timed, with a probe lane against `probe` measuring client downtime
 * through it. Returns the step record whether the step succeeded or failed.
 */
export async function timeStep(
  step: { name: string; action: string; probe?: Endpoint; probeIntervalMs?: number },
  body: (ctx: StepContext) => Promise<void>,
): Promise<StepRecord> {
  const lane = step.probe ? new ProbeLane({ endpoint: step.probe, intervalMs: step.probeIntervalMs ?? 20 }) : undefined;
  lane?.start();
  // Let the probe see the server up before the step starts, so a window opens after a success.
  if (lane) await waitForFirstSuccess(lane, 5_000);
  const phases: NonNullable<StepRecord['phases']> = [];
  const started = Date.now();
  let phaseStart = started;
  const closePhase = () => {
    const last = phases[phases.length - 1];
    if (last) last.durationMs = Date.now() - phaseStart;
  };
  let error: ErrorRecord | undefined;
  try {
    await body({
      phase(name) {
        closePhase();
        phaseStart = Date.now();
        phases.push({ name, startedAt: new Date(phaseStart).toISOString(), durationMs: 0 });
      },
    });
  } catch (e) {
    error = errorRecord(e);
  }
  closePhase();
  // The step is over when clients can work again: wait (bounded) for a success after the last failure.
  if (lane && !error) await waitForRecovery(lane, 30_000);
  const ended = Date.now();
  const outcomes = lane ? await lane.stop() : [];
  const windows = outageWindows(outcomes.filter((o) => o.dueAt >= started));
  return {
    name: step.name,
    action: step.action,
    status: error ? 'failed' : 'ok',
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    durationMs: ended - started,
    downtimeMs: lane ? windows.reduce((sum, w) => sum + w.durationMs, 0) : null,
    failedAttempts: lane ? windows.reduce((sum, w) => sum + w.failedAttempts, 0) : null,
    lost: null,
    unexpected: null,
    duplicated: null,
    phases,
    ...(lane ? { downtimeResolutionMs: lane.intervalMs } : {}),
    outages: windows.map((w) => ({
      start: new Date(w.start).toISOString(),
      end: new Date(w.end).toISOString(),
      durationMs: w.durationMs,
      failedAttempts: w.failedAttempts,
      errorClasses: w.errorClasses as Record<string, number>,
    })),
    ...(error ? { error } : {}),
  };
}

async function waitForFirstSuccess(lane: ProbeLane, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !lane.outcomes().some((o) => o.ok)) await tick();
}

async function waitForRecovery(lane: ProbeLane, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const outcomes = lane.outcomes().sort((a, b) => a.dueAt - b.dueAt);
    const lastFailure = outcomes.findLastIndex((o) => !o.ok);
    if (outcomes.slice(lastFailure + 1).some((o) => o.ok)) return;
    await tick();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 20));
