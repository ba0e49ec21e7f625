import { LocalServer, type LocalServerOptions } from '../../scenarios/providers/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findLab, labDirectory, parseLabEnv } from '../../scenarios/providers/lab-installations.js';

/**
 * The upgrade lab (scripts/lab.sh, run by .ci/run) leaves `lab.env` in its cache directory with
 * the bindirs of full PostgreSQL installations that have pgvector and the client tools.
 */
export function labEnv(): Record<string, string> {
  const lab = findLab();
  if (!lab) throw new Error(`the upgrade lab is not installed (${labDirectory()}/lab.env missing): run scripts/lab.sh first`);
  return { ...lab.env };
}

/** The bindir of a full lab installation of a major (15: Debian's; 16: a PyPI wheel; 17, 18: built from source). */
export function labBindir(major: 15 | 16 | 17 | 18): string {
  const value = labEnv()[`CUTOVER_LAB_PG${major}_BINDIR`];
  if (!value) throw new Error(`the upgrade lab has no PostgreSQL ${major}: run CUTOVER_LAB_MAJORS="16 17 18" scripts/lab.sh`);
  return value;
}

/** Starts a server from a lab installation (full tool set, pgvector available). */
export function startLabServer(major: 15 | 16 | 17 | 18, options: LocalServerOptions = {}): Promise<LocalServer> {
  return LocalServer.start({ name: `lab-pg${major}`, ...options, bindir: labBindir(major) });
}

/** Polls `probe` until it returns a truthy value or the deadline passes. Tests never sleep. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether the upgrade lab is installed with every major listed; tests skip without it. */
export function labReady(...majors: (15 | 16 | 17 | 18)[]): boolean {
  try {
    const env = labEnv();
    return majors.every((major) => Boolean(env[`CUTOVER_LAB_PG${major}_BINDIR`]));
  } catch {
    return false;
  }
}

/** Where scripts/pg-tviews.sh keeps its builds and `pg-tviews.env`. */
function pgrxDirectory(): string {
  if (process.env.CUTOVER_PGRX_DIR) return process.env.CUTOVER_PGRX_DIR;
  return process.getuid?.() === 0 ? '/var/cache/cutover-pgrx' : join(homedir(), '.cache', 'cutover-pgrx');
}

/** The variables of `pg-tviews.env` (scripts/pg-tviews.sh), or undefined when it was never run. */
export function pgTviewsEnv(): Record<string, string> | undefined {
  const file = join(pgrxDirectory(), 'pg-tviews.env');
  return existsSync(file) ? parseLabEnv(readFileSync(file, 'utf8')) : undefined;
}

/**
 * The directory of a pg_tviews build for a major (`lib/pg_tviews.so`, `extension/…`): the major's
 * default release, or `release` (e.g. `0.1.0-beta.20`). Undefined when it was not built.
 */
export function pgTviewsDir(major: 15 | 16 | 17 | 18, release?: string): string | undefined {
  const env = pgTviewsEnv();
  const key = release ? `CUTOVER_PG_TVIEWS_PG${major}_${release.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_DIR` : `CUTOVER_PG_TVIEWS_PG${major}_DIR`;
  const dir = env?.[key];
  return dir && existsSync(join(dir, 'lib', 'pg_tviews.so')) ? dir : undefined;
}

/** Why a pg_tviews test cannot run here (for its skipped name), or undefined when it can. */
export function pgTviewsMissing(major: 15 | 16 | 17 | 18, release?: string): string | undefined {
  if (pgTviewsDir(major, release)) return undefined;
  return `no pg_tviews ${release ?? ''} build for PostgreSQL ${major}: run scripts/pg-tviews.sh ${release ? `${release}:` : ''}${major}`.replace('  ', ' ');
}
