import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';
import { deploymentParam, rdsClientParams } from '../aws/rds-client.js';
import { withRdsStep } from '../aws/rds-bluegreen-step.js';
import { resolveDeployment } from '../aws/rds-bluegreen-store.js';
import { pollDeployment } from '../aws/rds-bluegreen-poll.js';

/** States after which waiting for AVAILABLE is pointless. */
const DEAD_ENDS = new Set(['INVALID_CONFIGURATION', 'SWITCHOVER_FAILED', 'SWITCHOVER_COMPLETED', 'DELETING']);

/** `rds-bluegreen-wait`: polls a Blue/Green deployment until it is AVAILABLE (green created and caught up). */
export const rdsBluegreenWaitAction = defineAction({
  name: 'rds-bluegreen-wait',
  summary: 'wait until a Blue/Green deployment is AVAILABLE, recording every status and task transition',
  params: z
    .object({
      ...deploymentParam,
      timeout: durationParam({ minMs: 1, maxMs: 48 * 3_600_000 }).default(2 * 3_600_000).describe('Longest wait; creating green and its initial copy can take hours on a large database.'),
      pollInterval: durationParam({ minMs: 10, maxMs: 600_000 }).default(10_000).describe('Time between two DescribeBlueGreenDeployments calls.'),
      ...rdsClientParams,
    })
    .strict(),
  title: (p) => `wait for blue/green ${p.deployment ?? 'deployment'} to be available`,
  async run(ctx, p) {
    await withRdsStep(ctx, p, async ({ client, transitions, onTransition }) => {
      const identifier = await resolveDeployment(client, ctx.runDir, p.deployment);
      ctx.detail('deploymentIdentifier', identifier);
      const started = Date.now();
      const { view } = await pollDeployment({
        client,
        identifier,
        log: transitions,
        intervalMs: p.pollInterval,
        timeoutMs: p.timeout,
        signal: ctx.signal,
        waitingFor: 'AVAILABLE',
        done: (v) => v.status === 'AVAILABLE' || DEAD_ENDS.has(v.status),
        onTransition,
      });
      if (view?.status !== 'AVAILABLE') {
        throw new CutoverError('query', `blue/green deployment ${identifier} is ${view?.status ?? 'gone'}, not AVAILABLE${view?.statusDetails ? `: ${view.statusDetails}` : ''}`);
      }
      ctx.detail('availableAfterMs', Date.now() - started);
    });
  },
});
