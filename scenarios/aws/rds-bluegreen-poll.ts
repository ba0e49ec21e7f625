import type { RDSClient } from '@aws-sdk/client-rds';
import { CutoverError } from '../../core/errors.js';
import { formatMs } from '../../core/duration.js';
import { sleep } from '../actions/wait.js';
import { rdsError } from './rds-errors.js';
import type { Transition, TransitionLog } from './rds-bluegreen-transitions.js';
import { type BlueGreenView, viewOf } from './rds-bluegreen-view.js';

/** The deployment as DescribeBlueGreenDeployments sees it now, or null when it does not exist (any more). */
export async function describeDeployment(client: RDSClient, identifier: string, state?: string): Promise<BlueGreenView | null> {
  const { DescribeBlueGreenDeploymentsCommand } = await import('@aws-sdk/client-rds');
  try {
    const out = await client.send(new DescribeBlueGreenDeploymentsCommand({ BlueGreenDeploymentIdentifier: identifier }));
    const found = out.BlueGreenDeployments?.find((d) => d.BlueGreenDeploymentIdentifier === identifier);
    return found ? viewOf(found) : null;
  } catch (error) {
    if ((error as { name?: string }).name === 'BlueGreenDeploymentNotFoundFault') return null;
    throw rdsError(error, { operation: 'DescribeBlueGreenDeployments', deployment: identifier, ...(state ? { state } : {}) });
  }
}

export interface PollOptions {
  client: RDSClient;
  identifier: string;
  log: TransitionLog;
  intervalMs: number;
  /** How long to poll before the step fails. */
  timeoutMs: number;
  signal: AbortSignal;
  /** What the step waits for, for the timeout's message (`AVAILABLE`, `a final switchover state`). */
  waitingFor: string;
  /** True when `view` is the state the step waits for (or a final one it will judge). */
  done(view: BlueGreenView): boolean;
  /** Every transition as it is seen: the action marks phases and logs them. */
  onTransition(t: Transition): void;
  /** The deployment disappearing ends the poll (a delete); otherwise it fails the step. */
  goneIsDone?: boolean;
}

/**
 * Polls DescribeBlueGreenDeployments until `done`, the deployment disappears, the timeout or an
 * interrupt. Every change of status, task or member is recorded in `log` with the time it was seen.
 */
export async function pollDeployment(o: PollOptions): Promise<{ view: BlueGreenView | null }> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const view = await describeDeployment(o.client, o.identifier, o.log.current?.status);
    if (!view) {
      if (o.goneIsDone) {
        o.onTransition(o.log.gone());
        return { view: null };
      }
      throw new CutoverError('query', `blue/green deployment ${o.identifier} disappeared while waiting for ${o.waitingFor} (last state ${o.log.current?.status ?? 'unknown'})`);
    }
    for (const t of o.log.observe(view)) o.onTransition(t);
    if (o.done(view)) return { view };
    if (o.signal.aborted) throw new CutoverError('interrupted', 'interrupted');
    if (Date.now() >= deadline) {
      const pending = Object.entries(view.tasks).filter(([, s]) => s !== 'COMPLETED').map(([n, s]) => `${n} ${s}`);
      throw new CutoverError(
        'query',
        `blue/green deployment ${o.identifier} did not reach ${o.waitingFor} within ${formatMs(o.timeoutMs)}: state ${view.status}${view.statusDetails ? ` (${view.statusDetails})` : ''}${pending.length ? `; tasks ${pending.join(', ')}` : ''}`,
      );
    }
    await sleep(Math.min(o.intervalMs, Math.max(0, deadline - Date.now())), o.signal);
  }
}
