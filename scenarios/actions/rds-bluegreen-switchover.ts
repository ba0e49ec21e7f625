import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { formatMs } from '../../core/duration.js';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';
import { deploymentParam, rdsClientParams } from '../aws/rds-client.js';
import { rdsError } from '../aws/rds-errors.js';
import { withRdsStep } from '../aws/rds-bluegreen-step.js';
import { describeDeployment, pollDeployment } from '../aws/rds-bluegreen-poll.js';
import { resolveDeployment } from '../aws/rds-bluegreen-store.js';
import { switchoverOutcome } from '../aws/rds-switchover-outcome.js';
import { viewOf } from '../aws/rds-bluegreen-view.js';

/**
 * `rds-bluegreen-switchover`: SwitchoverBlueGreenDeployment, then polls until a final state.
 * Records the timeout given to AWS, the outcome (completed, failed, or rolled back by a
 * guardrail or the timeout, with AWS's reason) and every transition with its time. The soak
 * running through the step measures what clients saw: downtime and lost writes.
 */
export const rdsBluegreenSwitchoverAction = defineAction({
  name: 'rds-bluegreen-switchover',
  summary: 'switch a Blue/Green deployment over (green becomes the production endpoint), recording the outcome and transitions',
  params: z
    .object({
      ...deploymentParam,
      switchoverTimeout: durationParam({ minMs: 30_000, maxMs: 3_600_000 }).default(300_000).describe('SwitchoverTimeout given to AWS (whole seconds, at least 30 s): past it, AWS rolls the switchover back.'),
      timeout: durationParam({ minMs: 1, maxMs: 24 * 3_600_000 }).optional().describe('How long cutover polls for a final state; default the switchover timeout plus 15 minutes.'),
      pollInterval: durationParam({ minMs: 10, maxMs: 60_000 }).default(2_000).describe('Time between two DescribeBlueGreenDeployments calls: short, the transitions are the point.'),
      allowRollback: z.boolean().default(false).describe('A rollback (guardrail or timeout) leaves the step ok with the outcome recorded: for rehearsing the guardrails.'),
      ...rdsClientParams,
    })
    .strict(),
  title: (p) => `switch over blue/green ${p.deployment ?? 'deployment'}`,
  usesEndpointSwitch: false,
  async run(ctx, p) {
    await withRdsStep(ctx, p, async ({ client, transitions, onTransition }) => {
      const { SwitchoverBlueGreenDeploymentCommand } = await import('@aws-sdk/client-rds');
      const identifier = await resolveDeployment(client, ctx.runDir, p.deployment);
      const timeoutSeconds = Math.ceil(p.switchoverTimeout / 1000);
      ctx.detail('deploymentIdentifier', identifier);
      ctx.detail('switchoverTimeoutMs', timeoutSeconds * 1000);
      const before = await describeDeployment(client, identifier);
      if (!before) throw new CutoverError('query', `blue/green deployment ${identifier} does not exist (deleted, or another region)`);
      for (const t of transitions.observe(before)) onTransition(t);
      const requested = Date.now();
      ctx.detail('requestedAt', new Date(requested).toISOString());
      try {
        const out = await client.send(new SwitchoverBlueGreenDeploymentCommand({ BlueGreenDeploymentIdentifier: identifier, SwitchoverTimeout: timeoutSeconds }));
        if (out.BlueGreenDeployment) for (const t of transitions.observe(viewOf(out.BlueGreenDeployment))) onTransition(t);
      } catch (error) {
        throw rdsError(error, { operation: 'SwitchoverBlueGreenDeployment', deployment: identifier, state: before.status });
      }
      // A status read back after the request; the request's own answer may be optimistic.
      let seenInProgress = false;
      const graceMs = timeoutSeconds * 1000 + 60_000;
      const { view } = await pollDeployment({
        client,
        identifier,
        log: transitions,
        intervalMs: p.pollInterval,
        timeoutMs: p.timeout ?? timeoutSeconds * 1000 + 15 * 60_000,
        signal: ctx.signal,
        waitingFor: 'a final switchover state',
        done(v) {
          if (v.status === 'SWITCHOVER_IN_PROGRESS') seenInProgress = true;
          return switchoverOutcome(v, seenInProgress, Date.now() - requested > graceMs) !== undefined;
        },
        onTransition,
      });
      const outcome = view ? switchoverOutcome(view, seenInProgress, true) : undefined;
      const seenAt = Date.now();
      ctx.detail('outcome', outcome?.outcome ?? 'unknown');
      ctx.detail('finalStateAt', new Date(seenAt).toISOString());
      ctx.detail('switchoverMs', seenAt - requested);
      if (outcome?.reason) ctx.detail('reason', outcome.reason);
      if (outcome?.outcome === 'completed') return;
      if (outcome?.outcome === 'rolled-back' && p.allowRollback) {
        ctx.log(`switchover of ${identifier} rolled back (allowed): ${outcome.reason ?? 'no reason given'}`);
        return;
      }
      throw new CutoverError(
        'query',
        `switchover of blue/green deployment ${identifier} ${outcome?.outcome ?? 'ended'} after ${formatMs(seenAt - requested)} (state ${view?.status ?? 'unknown'}, timeout ${timeoutSeconds} s)${outcome?.reason ? `: ${outcome.reason}` : ''}`,
      );
    });
  },
});
