import { mkdir, readdir, rm, writeFile, chown, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { CutoverError, errorLine } from '../../core/errors.js';
import type { LocalServer } from '../providers/local-server.js';
import { serverUser } from '../providers/server-user.js';

/** What a copy of a running data directory must leave out (as pg_basebackup does). */
const LEFT_OUT = ['postmaster.pid', 'postmaster.opts', 'standby.signal', 'recovery.signal', 'backup_label', 'tablespace_map', 'backup_label.old'];
/** Directories whose contents a base backup leaves out: WAL streams from the slot, slots are the source's own. */
const EMPTIED = ['pg_wal', 'pg_replslot', 'pg_stat_tmp', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_subtrans'];

/**
 * A base backup of a running local server into `target` (a server adopted over an empty data
 * directory), with PostgreSQL's low-level API: `pg_backup_start` (`pg_start_backup` before 15),
 * a file copy made as the server's OS user, then `pg_backup_stop`, whose backup label is written
 * into the copy. The embedded binaries have no pg_basebackup, so this works with every provider
 * cutover runs locally. The WAL from the backup's start is streamed from a slot created before it.
 */
export async function baseBackup(source: LocalServer, target: LocalServer): Promise<{ startLsn: string; stopLsn: string }> {
  const user = serverUser();
  await rm(target.dataDir, { recursive: true, force: true });
  await mkdir(target.dataDir, { recursive: true, mode: 0o700 });
  if (user) await chown(target.dataDir, user.uid, user.gid);
  await chmod(target.dataDir, 0o700);
  await using db = await source.admin('postgres');
  const modern = db.serverVersionNum >= 150_000;
  const [start] = await db.query<{ lsn: string }>(modern ? `SELECT pg_backup_start('cutover standby', true)::text AS lsn` : `SELECT pg_start_backup('cutover standby', true, false)::text AS lsn`);
  let stopped = false;
  try {
    // The copy runs as the server's user, so the files are the standby's from the start.
    await target.run('/bin/cp', ['-a', `${source.dataDir}/.`, target.dataDir], { timeoutMs: 600_000 }).catch((error: unknown) => {
      throw new CutoverError('provision', `base backup of ${source.name}: copying ${source.dataDir} failed: ${errorLine(error)}`, { cause: error });
    });
    const [stop] = await db.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
      modern ? `SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(false)` : `SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_stop_backup(false, false)`,
    );
    stopped = true;
    if (!stop) throw new CutoverError('provision', `base backup of ${source.name}: pg_backup_stop returned nothing`);
    for (const name of LEFT_OUT) await rm(join(target.dataDir, name), { force: true });
    for (const dir of EMPTIED) await emptyDir(join(target.dataDir, dir));
    await writeOwned(join(target.dataDir, 'backup_label'), stop.labelfile);
    if (stop.spcmapfile) await writeOwned(join(target.dataDir, 'tablespace_map'), stop.spcmapfile);
    return { startLsn: start?.lsn ?? '', stopLsn: stop.lsn };
  } finally {
    if (!stopped) await db.query(modern ? 'SELECT pg_backup_stop(false)' : 'SELECT pg_stop_backup(false, false)').catch(() => {});
  }
}

/** Removes a directory's files, keeping subdirectories (pg_wal/archive_status) and the directory itself. */
async function emptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (!e.isDirectory() || dir.endsWith('pg_replslot')) await rm(join(dir, e.name), { recursive: true, force: true });
}

/** A file in a data directory, owned by the server's user. */
export async function writeOwned(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
  const user = serverUser();
  if (user) await chown(path, user.uid, user.gid);
}
