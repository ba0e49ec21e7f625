import type { TimelineBucket } from '../load/timeline-types.js';
import type { BaselineTarget } from './baseline-plan.js';

/** One repeat as an engine ran it. */
export interface EngineRepeat {
  /** The steady seconds (warm-up left out), from second 0. */
  buckets: TimelineBucket[];
  startedAt: number;
  endedAt: number;
  /** Failed transactions over the whole repeat, warm-up included. */
  failed: number;
  abortedClients: number;
  /** What the engine said went wrong, in its words. */
  problems: string[];
}

/** pgbench or the Node driver, behind one face: set a server up once, then run repeats on it. */
export interface BaselineEngineRunner {
  /** Creates the baseline's tables on the server (its own schema) and checks the scripts run. */
  prepare(target: BaselineTarget): Promise<void>;
  repeat(target: BaselineTarget): Promise<EngineRepeat>;
  /** `pgbench --version`'s version, when pgbench runs. */
  readonly version?: string;
  /** The scripts run, as the record names them. */
  readonly scripts?: string[];
  /** pgbench's scale, once known. */
  readonly scale?: number;
}
