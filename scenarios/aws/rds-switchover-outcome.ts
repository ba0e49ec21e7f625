import type { BlueGreenView } from './rds-bluegreen-view.js';

/** How a switchover ended: `rolled-back` is AWS undoing it (a guardrail, or the switchover timeout). */
export type SwitchoverOutcome = 'completed' | 'failed' | 'rolled-back' | 'invalid-configuration';

/**
 * The outcome a view shows, or undefined while the switchover is still going. Back to AVAILABLE
 * after a SWITCHOVER_IN_PROGRESS was read back means AWS rolled it back; AVAILABLE that never
 * moved past the grace period means it never started, which is reported as a rollback too.
 * AWS's StatusDetails is the reason.
 */
export function switchoverOutcome(view: BlueGreenView, seenInProgress: boolean, pastGrace: boolean): { outcome: SwitchoverOutcome; reason?: string } | undefined {
  const reason = view.statusDetails ? { reason: view.statusDetails } : {};
  switch (view.status) {
    case 'SWITCHOVER_COMPLETED':
      return { outcome: 'completed', ...reason };
    case 'SWITCHOVER_FAILED':
      return { outcome: 'failed', ...reason };
    case 'INVALID_CONFIGURATION':
      return { outcome: 'invalid-configuration', ...reason };
    case 'AVAILABLE':
      if (seenInProgress) return { outcome: 'rolled-back', ...reason };
      return pastGrace ? { outcome: 'rolled-back', reason: view.statusDetails ?? 'the switchover never started' } : undefined;
    default:
      return undefined;
  }
}
