import { rm } from 'node:fs/promises';
import { LocalServer } from '../../scenarios/providers/index.js';
import { labBindir, labReady } from './lab.js';

/** One password for every server of a multi-host test, so one PGPASSWORD serves every host. */
export const MULTIHOST_PASSWORD = 'multihost-secret';

/** Whether the lab's PostgreSQL 15 (with pg_basebackup) is installed; multi-host tests skip without it. */
export function multihostLabReady(): boolean {
  return labReady(15);
}

/** A primary of the lab's PostgreSQL 15. */
export function startPrimary(name: string, settings: Record<string, string | number | boolean> = {}): Promise<LocalServer> {
  return LocalServer.start({ bindir: labBindir(15), name, password: MULTIHOST_PASSWORD, settings });
}

/** A real streaming standby of `primary`: a base backup with `-R` (it follows the primary), started. */
export async function startStandby(primary: LocalServer, name: string): Promise<LocalServer> {
  const standby = await LocalServer.init({ bindir: primary.bindir, name, password: MULTIHOST_PASSWORD });
  try {
    await rm(standby.dataDir, { recursive: true, force: true });
    await standby.run('pg_basebackup', ['-D', standby.dataDir, '-h', primary.host, '-p', String(primary.port), '-U', 'postgres', '-X', 'stream', '-R', '-c', 'fast'], {
      env: { ...process.env, PGPASSWORD: MULTIHOST_PASSWORD },
    });
    await standby.start();
    return standby;
  } catch (error) {
    await standby.close().catch(() => {});
    throw error;
  }
}
