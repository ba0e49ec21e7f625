import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { defineAction } from './action-types.js';
import { stopPrimary } from '../replicas/primary-stop.js';
import { promoteStandby } from '../replicas/replication-state.js';
import { recordLost } from '../replicas/record-lost.js';
import { repointStandbys } from '../replicas/repoint-standbys.js';

/**
 * `promote`: promotes a standby to primary, after stopping the primary as asked (`fast`,
 * `immediate`, `freeze`) or leaving it running (`none`: split brain, the user's choice). The
 * writer moves to the promoted standby; the writes it never received are counted as this step's.
 */
export const promoteAction = defineAction({
  name: 'promote',
  summary: 'promote a standby (after stopping the primary fast, immediate, by a freeze, or not at all)',
  params: z
    .object({
      role: z.string().min(1).describe('The standby promoted (`replica-1`...).'),
      primary: z.enum(['fast', 'immediate', 'freeze', 'none']).default('fast').describe('What happens to the primary first: stopped fast, stopped immediate (a crash), frozen (SIGSTOP), or left running (none: two primaries).'),
      examine: z.boolean().default(false).describe('Start the stopped primary read-only afterwards to confirm the lost ids (fast and immediate only).'),
    })
    .strict(),
  title: (p) => `promote ${p.role} (primary ${p.primary === 'none' ? 'left running' : p.primary === 'freeze' ? 'frozen' : `stopped ${p.primary}`})`,
  validate(scenario, p, plan) {
    if (!plan.specs[p.role]) return [`field "role": expected a standby of the scenario (${Object.keys(plan.specs).filter((r) => r.startsWith('replica-')).join(', ') || 'none: add "replicas"'}), got "${p.role}"`];
    // Whether the role is the primary then is known only as the run goes (failovers move the writer): run() checks it.
    if (p.examine && (p.primary === 'freeze' || p.primary === 'none')) return [`field "examine": only a stopped primary can be examined (primary fast or immediate), got primary "${p.primary}"`];
    return scenario.replicas?.length ? [] : ['promote needs standbys: add "replicas" to the scenario'];
  },
  async run(ctx, p) {
    const standby = ctx.topology.get(p.role);
    const old = ctx.topology.get(ctx.topology.writer);
    if (standby === old) throw new CutoverError('usage', `promote: "${p.role}" is the primary already`);
    ctx.phase(`primary ${p.primary}`);
    const stoppedAt = await stopPrimary(ctx, old, p.primary);
    ctx.phase('promote');
    const ms = await promoteStandby(standby, { signal: ctx.signal });
    ctx.detail('promotionMs', ms);
    ctx.log(`${standby.role}: promoted in ${ms} ms`);
    ctx.writerMoved(standby.role);
    ctx.detail('from', old.role);
    ctx.detail('to', standby.role);
    ctx.phase('repoint standbys');
    await repointStandbys(ctx, { newPrimary: standby, oldPrimary: old });
    await recordLost(ctx, { old, standby, stoppedAt, examine: p.examine });
  },
});
