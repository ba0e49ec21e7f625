import type { ActionContext } from '../actions/action-types.js';
import type { Cluster } from '../topology/cluster.js';
import { freezeServer } from './freeze.js';
import { standbyPosition, type StandbyPosition } from './replication-state.js';

/** What happens to the primary before a standby is promoted. */
export type PrimaryStop = 'fast' | 'immediate' | 'freeze' | 'none';

/**
 * Stops the primary the way a promotion asks: `fast` (clean: clients disconnected, the shutdown
 * checkpoint streamed to the standbys), `immediate` (a crash), `freeze` (SIGSTOP of the postmaster
 * and its children: a hung machine; thawed when the run closes it), `none` (left running: two
 * primaries, the user's choice). Returns when it stopped serving (epoch ms).
 */
export async function stopPrimary(ctx: ActionContext, primary: Cluster, how: PrimaryStop): Promise<number> {
  const server = primary.local;
  if (how === 'none') {
    ctx.detail('splitBrain', `${primary.role} left running as a primary beside the promoted standby (primary: none): writes that reach it are not on the new primary`);
    return Date.now();
  }
  if (!server) throw new Error(`${primary.role} is not a server cutover runs locally`);
  if (how === 'freeze') {
    const frozen = await freezeServer(primary);
    ctx.log(`${primary.role}: frozen (SIGSTOP of ${frozen} processes)`);
    return Date.now();
  }
  await server.stop(how);
  const at = Date.now();
  ctx.log(`${primary.role}: stopped (${how === 'immediate' ? 'immediate: a crash' : 'fast'})`);
  return at;
}

/** The standbys among the topology's servers (every one but the writer that answers in recovery), most advanced first. */
export async function standbysByProgress(ctx: ActionContext): Promise<StandbyPosition[]> {
  const positions: StandbyPosition[] = [];
  for (const [role, cluster] of ctx.topology.clusters) {
    if (role === ctx.topology.writer || !cluster.local?.isRunning) continue;
    const p = await standbyPosition(cluster);
    if (p) positions.push(p);
  }
  return positions.sort((a, b) => b.bytes - a.bytes);
}
