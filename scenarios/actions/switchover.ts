import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { openSession } from '../../core/session.js';
import { defineAction } from './action-types.js';
import { pollUntil } from '../logical/poll.js';
import { standbysByProgress, stopPrimary } from '../replicas/primary-stop.js';
import { promoteStandby } from '../replicas/replication-state.js';
import { recordLost } from '../replicas/record-lost.js';
import { repointStandbys } from '../replicas/repoint-standbys.js';
import type { Cluster } from '../topology/cluster.js';

/**
 * `switchover`: a planned change of primary. The primary stops fast, which streams its shutdown
 * checkpoint to the standbys before it exits; the standby has then received every write and is
 * promoted once it has replayed them all (received = replayed). Nothing acknowledged is lost.
 */
export const switchoverAction = defineAction({
  name: 'switchover',
  summary: 'planned: stop the primary fast, wait until the standby replayed everything, promote it (0 lost)',
  params: z
    .object({
      role: z.string().min(1).optional().describe('The standby promoted; default the most advanced one.'),
      catchUpTimeout: z.number().int().positive().default(60_000).describe('Longest wait (ms) for the standby to replay the primary\u2019s last WAL.'),
    })
    .strict(),
  title: (p) => `switchover${p.role ? ` to ${p.role}` : ''}`,
  validate(scenario, p, plan) {
    if (!scenario.replicas?.length) return ['switchover needs standbys: add "replicas" to the scenario'];
    if (p.role && !plan.specs[p.role]) return [`field "role": expected a standby of the scenario, got "${p.role}"`];
    return [];
  },
  async run(ctx, p) {
    const old = ctx.topology.get(ctx.topology.writer);
    const chosen = p.role ?? (await standbysByProgress(ctx))[0]?.role;
    if (!chosen) throw new CutoverError('provision', 'switchover: no standby answers');
    const standby = ctx.topology.get(chosen);
    ctx.phase('stop primary');
    const stoppedAt = await stopPrimary(ctx, old, 'fast');
    ctx.phase('catch-up');
    const lsn = await caughtUp(standby, p.catchUpTimeout, ctx.signal);
    ctx.detail('caughtUpAt', lsn);
    ctx.phase('promote');
    const ms = await promoteStandby(standby, { signal: ctx.signal });
    ctx.detail('promotionMs', ms);
    ctx.detail('from', old.role);
    ctx.detail('to', standby.role);
    ctx.log(`${standby.role}: replayed everything up to ${lsn}, promoted in ${ms} ms`);
    ctx.writerMoved(standby.role);
    ctx.phase('repoint standbys');
    await repointStandbys(ctx, { newPrimary: standby, oldPrimary: old });
    await recordLost(ctx, { old, standby, stoppedAt, examine: false });
  },
});

/** Waits until the standby has replayed all it received (the primary is down: nothing more comes). */
async function caughtUp(standby: Cluster, timeoutMs: number, signal: AbortSignal): Promise<string> {
  let seen = '';
  return pollUntil({
    timeoutMs,
    signal,
    probe: async () => {
      await using db = await openSession(standby.endpoint('postgres'), { applicationName: 'cutover-admin', statementTimeoutMs: 5_000 });
      const [row] = await db.query<{ received: string | null; replayed: string | null; done: boolean }>(
        `SELECT pg_last_wal_receive_lsn()::text AS received, pg_last_wal_replay_lsn()::text AS replayed, pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() AS done`,
      );
      seen = `received ${row?.received ?? '?'}, replayed ${row?.replayed ?? '?'}`;
      return row?.done ? (row.replayed ?? '') : undefined;
    },
    timeoutError: () => new CutoverError('provision', `switchover: ${standby.role} did not replay all it received within ${timeoutMs} ms (${seen})`),
  });
}
