import { errorLine } from '../../core/errors.js';
import type { ActionContext } from '../actions/action-types.js';
import type { Cluster } from '../topology/cluster.js';
import { slotFor } from './provision-standby.js';
import { configureStandby } from './standby-config.js';
import { ensurePhysicalSlot, inRecovery, waitStreaming } from './replication-state.js';

/**
 * After a promotion, the other standbys follow the new primary: a slot of their own there, their
 * `primary_conninfo` rewritten and the configuration reloaded (PostgreSQL 13+ restarts the WAL
 * receiver on it; the new timeline is followed, `recovery_target_timeline` being `latest`).
 * Returns the roles now streaming from it; a standby that cannot follow (one that had received
 * more than the promoted one) is named in the step's details and left as it is.
 */
export async function repointStandbys(ctx: ActionContext, o: { newPrimary: Cluster; oldPrimary: Cluster }): Promise<string[]> {
  const source = o.newPrimary.local;
  if (!source) return [];
  const repointed: string[] = [];
  const failed: Record<string, string> = {};
  for (const cluster of ctx.topology.clusters.values()) {
    if (cluster === o.newPrimary || cluster === o.oldPrimary || !cluster.local?.isRunning) continue;
    if ((await inRecovery(cluster)) !== true) continue;
    try {
      const slot = slotFor(cluster.role);
      await ensurePhysicalSlot(o.newPrimary, slot);
      await configureStandby(cluster.local, { primary: source, slot, applicationName: cluster.role });
      {
        await using db = await cluster.admin('postgres');
        await db.query('SELECT pg_reload_conf()');
      }
      await waitStreaming(o.newPrimary, cluster.role, { timeoutMs: 30_000, signal: ctx.signal });
      repointed.push(cluster.role);
    } catch (error) {
      failed[cluster.role] = errorLine(error);
    }
  }
  if (repointed.length) {
    ctx.detail('repointed', repointed);
    ctx.log(`${repointed.join(', ')}: now streaming from ${o.newPrimary.role}`);
  }
  if (Object.keys(failed).length) ctx.detail('notRepointed', failed);
  return repointed;
}
