import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { CUTOVER_STANDBY_SLOT } from '../../checks/replication-rules.js';
import { freePort } from '../providers/free-port.js';
import { LocalServer } from '../providers/local-server.js';
import { serverUser } from '../providers/server-user.js';
import type { Cluster } from '../topology/cluster.js';
import { localCluster } from '../topology/local-cluster.js';
import type { ProvisionedCluster } from '../topology/provision.js';
import { baseBackup } from './base-backup.js';
import { configureStandby } from './standby-config.js';
import { ensurePhysicalSlot, waitStreaming } from './replication-state.js';

/**
 * The physical slot a standby of role `role` streams from (`replica-1` -> `cutover_standby_replica_1`);
 * the replication check does not compare these (checks/replication-rules.ts).
 */
export function slotFor(role: string): string {
  return `${CUTOVER_STANDBY_SLOT}${role.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
}

/**
 * A streaming standby of a local primary, in role `role`: a physical slot on the primary, a base
 * backup into a directory of its own (low-level API, so embedded servers need no pg_basebackup),
 * `standby.signal` and `primary_conninfo` naming the role as `application_name`, started on a port
 * of its own; resolves once the primary shows it streaming.
 */
export async function provisionStandby(primary: Cluster, role: string, o: { database: string; log: (line: string) => void; signal?: AbortSignal }): Promise<ProvisionedCluster> {
  const source = primary.local;
  if (!source || primary.provider === 'external' || primary.provider === 'container') {
    throw new CutoverError('usage', `replicas: expected a primary cutover runs locally (provider embedded or bindir), got ${primary.role} of provider ${primary.provider}`);
  }
  const baseDir = await mkdtemp(join(tmpdir(), `cutover-${role.replace(/[^a-z0-9-]/gi, '')}-`));
  const user = serverUser();
  if (user) await chown(baseDir, user.uid, user.gid);
  const server = LocalServer.adopt({ bindir: source.bindir, name: `${role} (standby of ${primary.role})`, baseDir, port: await freePort(), password: source.password });
  let keep = false;
  try {
    const slot = slotFor(role);
    await ensurePhysicalSlot(primary, slot);
    const started = Date.now();
    const backup = await baseBackup(source, server);
    await configureStandby(server, { primary: source, slot, applicationName: role });
    await server.start();
    await waitStreaming(primary, role, o.signal ? { signal: o.signal } : {});
    o.log(`${role}: standby of ${primary.role} on port ${server.port}, streaming from slot ${slot} (base backup ${backup.startLsn}..${backup.stopLsn}, ready in ${Date.now() - started} ms)`);
    const cluster = await localCluster({ role, provider: primary.provider, server, database: o.database, ...(primary.toolsBindir ? { toolsBindir: primary.toolsBindir } : {}) });
    return Object.assign(cluster, {
      baseDir,
      keepData: () => void (keep = true),
      close: async () => {
        await server.close();
        if (!keep) await rm(baseDir, { recursive: true, force: true });
      },
    });
  } catch (error) {
    await server.close().catch(() => {});
    await rm(baseDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Makes `server` (stopped; its data directory replaced) a fresh standby of `primary` by a new
 * base backup: how a failed primary rejoins when no pg_rewind is at hand.
 */
export async function recloneAsStandby(server: LocalServer, primary: Cluster, role: string): Promise<void> {
  const source = primary.local;
  if (!source) throw new CutoverError('usage', `rejoin: expected a new primary cutover runs locally, got ${primary.role} of provider ${primary.provider}`);
  const slot = slotFor(role);
  await ensurePhysicalSlot(primary, slot);
  await baseBackup(source, server);
  await configureStandby(server, { primary: source, slot, applicationName: role });
}
