import { existsSync } from 'node:fs';
import { cp, mkdtemp, chmod } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Where scripts/pg-tviews.sh and scripts/ruvector.sh cache their builds (their CUTOVER_PGRX_DIR default). */
export function pgrxCacheDir(): string {
  if (process.env.CUTOVER_PGRX_DIR) return process.env.CUTOVER_PGRX_DIR;
  return process.getuid?.() === 0 ? '/var/cache/cutover-pgrx' : join(homedir(), '.cache', 'cutover-pgrx');
}

/** The cached build of an extension release for a major (`pg_tviews`, `0.1.0-beta.20`, 17), or undefined when it was not built. */
export function pgrxBuild(extension: string, version: string, major: number): string | undefined {
  const dir = join(pgrxCacheDir(), `${extension}-${version}-pg${major}`);
  return existsSync(join(dir, '.complete')) ? dir : undefined;
}

/**
 * A private copy of a PostgreSQL installation (a lab's: relocatable, with pg_config), for tests that
 * install extension files into it or swap them: the shared installation is never touched. Returns
 * the copy's bindir; the caller removes `root`.
 */
export async function copyInstallation(bindir: string): Promise<{ root: string; bindir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'cutover-install-'));
  // The server runs as an unprivileged user: it must read the copy.
  await chmod(root, 0o755);
  const prefix = join(bindir, '..');
  await cp(prefix, join(root, 'pg'), { recursive: true, preserveTimestamps: true });
  return { root, bindir: join(root, 'pg', 'bin') };
}

/** Copies a cached build (lib/*.so, extension/*) into an installation with pg_config. */
export async function installBuild(build: string, bindir: string): Promise<void> {
  const config = (flag: string) => execFileSync(join(bindir, 'pg_config'), [flag], { encoding: 'utf8' }).trim();
  await cp(join(build, 'lib'), config('--pkglibdir'), { recursive: true });
  await cp(join(build, 'extension'), join(config('--sharedir'), 'extension'), { recursive: true });
}
