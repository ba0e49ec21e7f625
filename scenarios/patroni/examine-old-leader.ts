import { join } from 'node:path';
import { runChecked } from '../../core/child-process.js';
import { serverUser } from '../providers/server-user.js';
import { examineLostIds, type OldPrimaryExamination } from '../replicas/lost-at-promotion.js';
import type { PatroniCluster } from './patroni-cluster.js';
import type { PatroniNode } from './patroni-node.js';

/**
 * A killed leader's PostgreSQL, started by cutover before its Patroni comes back (crash recovery,
 * then `default_transaction_read_only=on` on its own port, so a read-write multi-host string never
 * settles on it): which of the ids listed as lost it holds. Stopped cleanly (fast) after, which
 * leaves it as Patroni expects it for pg_rewind.
 */
export async function examineOldLeader(cluster: PatroniCluster, node: PatroniNode, database: string, lost: readonly string[]): Promise<OldPrimaryExamination> {
  const user = serverUser();
  const pgCtl = join(cluster.settings.bindir, 'pg_ctl');
  const run = { uid: user?.uid, gid: user?.gid, cwd: node.layout.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, timeoutMs: 120_000 };
  const options = `-p ${node.layout.pgPort} -c listen_addresses=127.0.0.1 -c default_transaction_read_only=on`;
  await runChecked(pgCtl, ['-D', node.layout.dataDir, '-l', join(node.layout.dir, 'examine.log'), '-w', '-t', '90', '-o', options, 'start'], run);
  try {
    return await examineLostIds(cluster.endpointOf(node, database), lost);
  } finally {
    await runChecked(pgCtl, ['-D', node.layout.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], run);
  }
}
