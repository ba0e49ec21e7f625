import { copyFile, rm, mkdir, chown } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { serverUser } from '../providers/server-user.js';
import type { PatroniCluster } from './patroni-cluster.js';
import type { PatroniNode } from './patroni-node.js';

/**
 * Stops every member's Patroni, the replicas first and the leader last, so that the leader's
 * shutdown checkpoint is the last word of the old cluster. Throws when the leader's PostgreSQL
 * could not be stopped cleanly (pg_upgrade refuses a cluster that was not shut down).
 */
export async function stopMembers(cluster: PatroniCluster, leader: string): Promise<Record<string, string>> {
  const how: Record<string, string> = {};
  const replicas = cluster.nodes.filter((n) => n.name !== leader);
  await Promise.all(replicas.map(async (n) => void (how[n.name] = await n.stop())));
  how[leader] = await cluster.node(leader).stop();
  if (how[leader] === 'killed') {
    throw new CutoverError('provision', `Patroni of the leader ${leader} did not stop within its grace period and was killed: its PostgreSQL was not shut down cleanly, pg_upgrade would refuse it`, {
      message: `Patroni of the leader ${leader} was killed; last lines of its log:\n${await cluster.node(leader).logTail(30)}`,
    });
  }
  return how;
}

/**
 * Wipes the cluster's state from the DCS: with Patroni's Raft store, every member's journal and
 * dump (the store lives only there). Patroni's major-upgrade procedure needs it: pg_upgrade's
 * initdb made a new system identifier, which the old `initialize` key would refuse.
 */
export async function wipeRaft(cluster: PatroniCluster): Promise<void> {
  const user = serverUser();
  for (const node of cluster.nodes) {
    await rm(node.layout.raftDir, { recursive: true, force: true });
    await mkdir(node.layout.raftDir, { mode: 0o700 });
    if (user) await chown(node.layout.raftDir, user.uid, user.gid);
  }
}

/**
 * Points every member at the new installation: the leader at its upgraded data directory (with
 * the old one's `patroni.dynamic.json`, so that the DCS gets the same timing and parameters back),
 * the replicas at empty ones, so that Patroni clones them from the leader with pg_basebackup.
 * No member keeps a `bootstrap` section: none may initialise a cluster of its own.
 */
export async function repointMembers(cluster: PatroniCluster, o: { leader: PatroniNode; newDataDir: string; newBindir: string; major: number }): Promise<void> {
  const oldDynamic = join(o.leader.layout.dataDir, 'patroni.dynamic.json');
  if (existsSync(oldDynamic)) {
    await copyFile(oldDynamic, join(o.newDataDir, 'patroni.dynamic.json'));
    const user = serverUser();
    if (user) await chown(join(o.newDataDir, 'patroni.dynamic.json'), user.uid, user.gid);
  }
  cluster.settings.bindir = o.newBindir;
  for (const node of cluster.nodes) {
    if (node === o.leader) {
      node.layout.dataDir = o.newDataDir;
    } else {
      // A replica cannot be pg_upgraded: its data goes, Patroni makes a new copy of the leader's.
      await rm(node.layout.dataDir, { recursive: true, force: true });
      node.layout.dataDir = join(node.layout.dir, `data-${o.major}`);
      await rm(node.layout.dataDir, { recursive: true, force: true });
    }
    await cluster.rewriteConfig(node, { bootstrap: false });
  }
}
