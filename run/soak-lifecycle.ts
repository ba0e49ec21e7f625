import type { Endpoint } from '../core/endpoint.js';
import { CutoverError } from '../core/errors.js';
import { SoakRun, type SoakRunOptions, type SoakRunResult } from '../load/soak-run.js';
import { verifyRunLedger } from '../load/soak-verify.js';
import { analyseSoak, type SoakAnalysis } from '../load/analysis/analyse-soak.js';
import type { StepSpan } from '../load/analysis/step-breakdown.js';
import type { SeqClock } from '../load/analysis/seq-clock.js';
import { sampleText } from '../load/analysis/soak-evidence.js';
import type { ReadLedger } from '../load/ledger-reader.js';
import type { SoakRecord } from '../load/soak-record.js';
import type { LedgerVerification } from '../load/verify-ledger.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import { LEDGER_DIR, TIMELINE_FILE, WINDOWS_FILE } from './run-files.js';
import { newSoakRecord, recordLoad, recordVerification } from './soak-results.js';

/** How a soak runs: what `cutover soak`'s flags or a scenario's soak settle on. */
export interface SoakSettings {
  workload: WorkloadDefinition;
  /** The soak's own schema in the target database. */
  schema: string;
  rate: number;
  /** Milliseconds of load; null: until `stop()` or the signal (a rehearsal's soak). */
  durationMs: number | null;
  timeoutMs: number;
  degradedThresholdMs: number;
  probe: { intervalMs: number; timeoutMs?: number } | false;
  connections?: number;
  unnamedStatements?: boolean;
}

/** What a caller hears while the soak runs; none may block. */
export type SoakHooks = Pick<SoakRunOptions, 'signal' | 'onSecond' | 'onNewErrorClass'> & {
  /** The soak record changed (a writer registered): rewrite run.json. */
  onRecord: () => void;
};

/** What verification adds to a drained soak: the figures, and what listing flagged ids needs. */
export interface VerifiedSoak {
  analysis: SoakAnalysis;
  verification: LedgerVerification;
  ledgers: readonly ReadLedger[];
  clock: SeqClock;
  result: SoakRunResult;
}

/**
 * One soak from start to verdict, the same for `cutover soak` and for the soak a scenario runs
 * through its steps: its run.json section and files (`record`, `files`, before it starts), the
 * load (`start`), its drain (`drain`), the ledger verified on the final writer and the analysis
 * (`verify`). The record is this object's own: it fills it in as the soak goes, and the caller
 * puts it in the manifest once.
 */
export class SoakLifecycle {
  /** The `soak` section of run.json: its setup now, what the load and verification found later. */
  readonly record: SoakRecord;
  /** The files the soak writes into the run directory, as run.json names them. */
  readonly files = { ledger: LEDGER_DIR, timeline: TIMELINE_FILE, windows: WINDOWS_FILE };
  private soak: SoakRun | undefined;
  private drained: SoakRunResult | undefined;

  constructor(
    private readonly o: { runDir: string; endpoint: Endpoint; settings: SoakSettings; hooks: SoakHooks },
  ) {
    const s = o.settings;
    this.record = newSoakRecord({
      workload: s.workload.name,
      schema: s.schema,
      rate: s.rate,
      plannedDurationMs: s.durationMs,
      timeoutMs: s.timeoutMs,
      degradedThresholdMs: s.degradedThresholdMs,
      probeIntervalMs: s.probe ? s.probe.intervalMs : undefined,
    });
  }

  /** The load under way; throws before `start()`. */
  get run(): SoakRun {
    if (!this.soak) throw new CutoverError('internal', 'SoakLifecycle: the soak has not started');
    return this.soak;
  }

  /** Starts the load (and the probe) into the run directory. */
  start(): SoakRun {
    const { settings: s, hooks } = this.o;
    this.soak = new SoakRun({
      endpoint: this.o.endpoint,
      runDir: this.o.runDir,
      workload: s.workload,
      rate: s.rate,
      ...(s.durationMs !== null ? { durationMs: s.durationMs } : {}),
      schema: s.schema,
      timeoutMs: s.timeoutMs,
      ...(s.connections !== undefined ? { connections: s.connections } : {}),
      ...(s.unnamedStatements !== undefined ? { unnamedStatements: s.unnamedStatements } : {}),
      probe: s.probe,
      degradedThresholdMs: s.degradedThresholdMs,
      signal: hooks.signal,
      ...(hooks.onSecond ? { onSecond: hooks.onSecond } : {}),
      ...(hooks.onNewErrorClass ? { onNewErrorClass: hooks.onNewErrorClass } : {}),
      onWriter: (writer) => {
        this.record.writers.push(writer);
        hooks.onRecord();
      },
    });
    return this.soak;
  }

  /**
   * Resolves once the load has succeeded, so that every outage after it opens after a success;
   * when it has not within `timeoutMs`, stops the soak and throws with the first words of its failures.
   */
  async untilServing(timeoutMs: number): Promise<void> {
    const soak = this.run;
    if (await soak.waitServing(timeoutMs)) return;
    soak.stop();
    await soak.done;
    // Say why: the first words of the load's failures (the probe's when the load has none).
    const samples = soak.driverLane.errorMessages().samples;
    const why = sampleText(samples.length ? samples : (soak.probeLane?.errorMessages().samples ?? []));
    throw new CutoverError('query', `the soak did not get a single success within ${timeoutMs / 1000} s${why ? `: the load never succeeded: ${why}` : ''}`);
  }

  /** Puts the seq clock so far in the record, for a `cutover verify` after a crash. */
  checkpoint(): void {
    this.record.seqClock = this.run.seqClock.toJSON();
  }

  /** Stops the load: scheduling ends, attempts in flight drain. */
  stop(): void {
    this.soak?.stop();
  }

  /** Waits for the load to end (its duration, `stop()` or the signal) and records what it did. */
  async drain(): Promise<SoakRunResult> {
    const result = await this.run.done;
    recordLoad(this.record, result);
    this.drained = result;
    return result;
  }

  /**
   * Verifies the drained soak's ledger against the final writer and records the analysis; each
   * step span given gets its share of the figures (`analysis.steps`, in order).
   */
  async verify(endpoint: Endpoint, steps?: readonly StepSpan[]): Promise<VerifiedSoak> {
    const result = this.drained;
    if (!result) throw new CutoverError('internal', 'SoakLifecycle: verify before the soak drained');
    const verified = await verifyRunLedger({ runDir: this.o.runDir, endpoint, schema: this.record.schema });
    const analysis = analyseSoak({
      lanes: result.lanes,
      verification: verified.verification,
      ledgers: verified.ledgers,
      clock: result.seqClock,
      ...(steps ? { steps } : {}),
    });
    recordVerification(this.record, verified.verification, analysis);
    return { analysis, verification: verified.verification, ledgers: verified.ledgers, clock: result.seqClock, result };
  }
}
