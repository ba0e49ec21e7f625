/** A change of a figure from A to B, as a comparison judges it. */
export interface ChangeFigure {
  /** B/A − 1. */
  change: number;
  /** Whether the change is beyond the noise; null where nothing measured the noise (one soak against another). */
  significant: boolean | null;
  /** The interval of B/A, when measured. */
  interval?: { low: number; high: number };
}

/**
 * The figures thresholds judge. Absent parts do not apply where they are evaluated: a soak has
 * no change, a comparison no absolute figures.
 */
export interface ThresholdFigures {
  /** Latency of successful transactions, ms. */
  latency?: { percentile(p: number): number; avg: number; min: number; max: number; count: number };
  /** Failed attempts over all attempts, and their number. */
  errors?: { rate: number; count: number };
  /** Successful transactions per second. */
  tps?: number;
  change?: {
    /** Null when the comparison has no such percentile (or no latency at all). */
    latency(percentile: number): ChangeFigure | null;
    tps: ChangeFigure | null;
  };
}
