import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { findLab } from '../providers/lab-installations.js';

/** What the rehearsal runs of the target installation: dumps are taken with the target's own tools. */
export const COMPAT_TOOLS = ['pg_dump', 'pg_dumpall', 'psql'] as const;

/** The target installation the schema is dumped with, and its version. */
export interface TargetTools {
  bindir: string;
  /** `17.11`, from `pg_dump --version`. */
  version: string;
  major: number;
}

/**
 * The bindir with the target major's pg_dump, pg_dumpall and psql: the one given (`option` names
 * the flag in errors), else the upgrade lab's installation of that major. Its pg_dump must be of
 * the target major, since a dump is only as compatible as the pg_dump that wrote it.
 */
export async function targetTools(major: number, bindir: string | undefined, option: string): Promise<TargetTools> {
  const dir = bindir ?? findLab()?.bindir(major);
  if (!dir) {
    throw new CutoverError(
      'usage',
      `${option}: expected a PostgreSQL ${major} installation with ${COMPAT_TOOLS.join(', ')}; none given and the upgrade lab has none (scripts/lab.sh)`,
    );
  }
  const missing = COMPAT_TOOLS.filter((tool) => !existsSync(join(dir, tool)));
  if (missing.length > 0) {
    throw new CutoverError('usage', `${option}: expected a directory with ${COMPAT_TOOLS.join(', ')}, got "${dir}" (no ${missing.join(', ')})`);
  }
  const result = await runCommand(join(dir, 'pg_dump'), ['--version'], { timeoutMs: 10_000 });
  const version = /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(result.stdout)?.[1];
  if (result.exitCode !== 0 || !version) {
    throw new CutoverError('usage', `${option}: cannot tell the version of ${join(dir, 'pg_dump')}: ${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}`);
  }
  const found = Number(version.split('.')[0]);
  if (found !== major) {
    throw new CutoverError('usage', `${option}: expected PostgreSQL ${major} tools, got ${version} in "${dir}"`);
  }
  return { bindir: dir, version, major };
}
