import { mkdtemp, readdir, rm, symlink, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { findLab } from '../providers/lab-installations.js';
import type { Cluster } from '../topology/cluster.js';
import { hasTools } from './tool-bindir.js';

/** What pg_upgrade runs from the old cluster's bindir. */
export const OLD_BINDIR_TOOLS = ['postgres', 'pg_ctl', 'initdb', 'pg_controldata', 'pg_resetwal'] as const;

/** The old bindir pg_upgrade is given, and how to remove it when it was assembled for the run. */
export interface OldBindir extends AsyncDisposable {
  bindir: string;
  /** Where the missing tools came from, when the bindir was assembled. */
  assembledFrom?: string;
  close(): Promise<void>;
}

/**
 * The bindir of blue's binaries for pg_upgrade. A full installation is used as it is. Embedded
 * (npm) binaries lack pg_controldata and pg_resetwal, so a directory is assembled with symlinks
 * to the server's own binaries plus those two from a full installation of the same major (the
 * lab's Debian 15 for 15): pg_upgrade only reads the old cluster's control data with them.
 */
export async function oldBindirOf(blue: Cluster): Promise<OldBindir> {
  const own = blue.local?.bindir;
  if (!own) throw new CutoverError('usage', `pg-upgrade: role "${blue.role}" is an external server; expected one cutover provisioned (embedded or bindir)`);
  if (hasTools(own, OLD_BINDIR_TOOLS)) return { bindir: own, close: async () => {}, [Symbol.asyncDispose]: async () => {} };

  const donors = [blue.toolsBindir, findLab()?.bindir(blue.major)].filter((d): d is string => d !== undefined && d !== own);
  const missing = OLD_BINDIR_TOOLS.filter((tool) => !existsSync(join(own, tool)));
  const donor = donors.find((d) => hasTools(d, missing));
  if (!donor) {
    throw new CutoverError(
      'usage',
      `pg-upgrade: blue's bindir ${own} lacks ${missing.join(', ')}; expected a full PostgreSQL ${blue.major} installation to take them from ` +
        `(looked in ${donors.join(', ') || 'none: the upgrade lab is not installed (scripts/lab.sh)'})`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'cutover-oldbin-'));
  // pg_upgrade runs as the server's user: the directory must be readable by it.
  await chmod(dir, 0o755);
  try {
    for (const name of await readdir(own)) await symlink(join(own, name), join(dir, name));
    for (const tool of missing) await symlink(join(donor, tool), join(dir, tool));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const close = () => rm(dir, { recursive: true, force: true });
  return { bindir: dir, assembledFrom: donor, close, [Symbol.asyncDispose]: close };
}
