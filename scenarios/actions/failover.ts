import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { defineAction } from './action-types.js';
import { standbysByProgress, stopPrimary } from '../replicas/primary-stop.js';
import { promoteStandby } from '../replicas/replication-state.js';
import { recordLost } from '../replicas/record-lost.js';
import { repointStandbys } from '../replicas/repoint-standbys.js';

/**
 * `failover`: the primary dies (stopped immediate: a crash) and the most advanced standby (the
 * most WAL received or replayed) is promoted; the writer moves there. Writes the old primary
 * acknowledged and the standby never received are this step's lost, listed in its details, and
 * (by default) confirmed on the old primary started read-only.
 */
export const failoverAction = defineAction({
  name: 'failover',
  summary: 'kill the primary (immediate) and promote the most advanced standby; lost writes counted and confirmed',
  params: z
    .object({
      role: z.string().min(1).optional().describe('The standby promoted; default the most advanced one.'),
      examine: z.boolean().default(true).describe('Start the dead primary read-only after the promotion to confirm the lost ids, then stop it cleanly.'),
    })
    .strict(),
  title: (p) => `failover${p.role ? ` to ${p.role}` : ''}`,
  validate(scenario, p, plan) {
    if (!scenario.replicas?.length) return ['failover needs standbys: add "replicas" to the scenario'];
    if (p.role && !plan.specs[p.role]) return [`field "role": expected a standby of the scenario, got "${p.role}"`];
    return [];
  },
  async run(ctx, p) {
    const old = ctx.topology.get(ctx.topology.writer);
    ctx.phase('kill primary');
    const stoppedAt = await stopPrimary(ctx, old, 'immediate');
    ctx.phase('choose standby');
    const positions = await standbysByProgress(ctx);
    ctx.detail('standbys', positions);
    const chosen = p.role ?? positions[0]?.role;
    if (!chosen) throw new CutoverError('provision', `failover: no standby answers (servers: ${[...ctx.topology.clusters.keys()].join(', ')})`);
    const standby = ctx.topology.get(chosen);
    ctx.phase('promote');
    const ms = await promoteStandby(standby, { signal: ctx.signal });
    ctx.detail('promotionMs', ms);
    ctx.detail('from', old.role);
    ctx.detail('to', standby.role);
    ctx.log(`${standby.role}: promoted in ${ms} ms (${positions.map((s) => `${s.role} at ${s.receivedLsn ?? s.replayedLsn}`).join(', ')})`);
    ctx.writerMoved(standby.role);
    ctx.phase('repoint standbys');
    await repointStandbys(ctx, { newPrimary: standby, oldPrimary: old });
    await recordLost(ctx, { old, standby, stoppedAt, examine: p.examine });
  },
});
