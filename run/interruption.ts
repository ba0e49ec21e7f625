import type { InterruptionRecord } from './manifest.js';

/** The record of a run stopped by a signal: when, by which, and how much of its plan it ran. */
export function signalInterruption(signal: AbortSignal, o: { at: number; plannedDurationMs: number | null; actualDurationMs: number }): InterruptionRecord {
  // The runtime aborts with "interrupted (SIGINT)": the signal's name is all it adds.
  const name = /\((SIG[A-Z]+)\)/.exec(signal.reason instanceof Error ? signal.reason.message : '')?.[1];
  return { how: 'signal', ...(name ? { signal: name } : {}), at: new Date(o.at).toISOString(), plannedDurationMs: o.plannedDurationMs, actualDurationMs: o.actualDurationMs };
}
