import type { Cluster } from './topology/cluster.js';

/**
 * CONTRACT STUB (to be implemented by the switchover work): what green lacked when writes resumed
 * there. Ids acknowledged before `at` and absent from `cluster` at that moment; those present at the
 * end of the run are late, the others lost.
 */
export interface ResumePoint {
  role: string;
  at: string;
  /** Ledger ids acknowledged before the resume and missing on the cluster then. */
  missing: bigint[];
}

export async function captureResumePoint(o: { runDir: string; cluster: Cluster; schema: string }): Promise<ResumePoint> {
  void o;
  throw new Error('captureResumePoint: not implemented yet');
}
