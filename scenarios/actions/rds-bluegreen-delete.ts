import { z } from 'zod';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';
import { deploymentParam, rdsClientParams } from '../aws/rds-client.js';
import { rdsError } from '../aws/rds-errors.js';
import { withRdsStep } from '../aws/rds-bluegreen-step.js';
import { describeDeployment, pollDeployment } from '../aws/rds-bluegreen-poll.js';
import { resolveDeployment } from '../aws/rds-bluegreen-store.js';
import { viewOf } from '../aws/rds-bluegreen-view.js';

/** `rds-bluegreen-delete`: DeleteBlueGreenDeployment (optionally green too), then waits until it is gone. */
export const rdsBluegreenDeleteAction = defineAction({
  name: 'rds-bluegreen-delete',
  summary: 'delete a Blue/Green deployment (optionally its green environment) and wait until it is gone',
  params: z
    .object({
      ...deploymentParam,
      deleteTarget: z.boolean().default(false).describe("Also delete green's instances (AWS allows it only before a switchover)."),
      wait: z.boolean().default(true).describe('Wait until the deployment no longer exists (default); `false` returns once AWS accepted the delete.'),
      timeout: durationParam({ minMs: 1, maxMs: 24 * 3_600_000 }).default(30 * 60_000).describe('Longest wait for the deployment to be gone (with `wait`).'),
      pollInterval: durationParam({ minMs: 10, maxMs: 600_000 }).default(5_000).describe('Time between two DescribeBlueGreenDeployments calls.'),
      ...rdsClientParams,
    })
    .strict(),
  title: (p) => `delete blue/green ${p.deployment ?? 'deployment'}${p.deleteTarget ? ' and green' : ''}`,
  async run(ctx, p) {
    await withRdsStep(ctx, p, async ({ client, transitions, onTransition }) => {
      const { DeleteBlueGreenDeploymentCommand } = await import('@aws-sdk/client-rds');
      const identifier = await resolveDeployment(client, ctx.runDir, p.deployment);
      ctx.detail('deploymentIdentifier', identifier);
      ctx.detail('deleteTarget', p.deleteTarget);
      const before = await describeDeployment(client, identifier);
      if (before) for (const t of transitions.observe(before)) onTransition(t);
      try {
        const out = await client.send(new DeleteBlueGreenDeploymentCommand({ BlueGreenDeploymentIdentifier: identifier, ...(p.deleteTarget ? { DeleteTarget: true } : {}) }));
        if (out.BlueGreenDeployment) for (const t of transitions.observe(viewOf(out.BlueGreenDeployment))) onTransition(t);
      } catch (error) {
        throw rdsError(error, { operation: 'DeleteBlueGreenDeployment', deployment: identifier, ...(before ? { state: before.status } : {}) });
      }
      if (!p.wait) return;
      await pollDeployment({
        client,
        identifier,
        log: transitions,
        intervalMs: p.pollInterval,
        timeoutMs: p.timeout,
        signal: ctx.signal,
        waitingFor: 'deletion',
        done: () => false,
        goneIsDone: true,
        onTransition,
      });
    });
  },
});
