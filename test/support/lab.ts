import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LocalServer, type LocalServerOptions } from '../../scenarios/providers/index.js';

/**
 * The upgrade lab (scripts/lab.sh, run by .ci/run) leaves `lab.env` in its cache directory with
 * the bindirs of full PostgreSQL installations that have pgvector and the client tools.
 */
export function labEnv(): Record<string, string> {
  const dir = process.env.CUTOVER_LAB_DIR ?? (process.getuid?.() === 0 ? '/var/cache/cutover-lab' : join(homedir(), '.cache', 'cutover-lab'));
  const file = join(dir, 'lab.env');
  if (!existsSync(file)) {
    throw new Error(`the upgrade lab is not installed (${file} missing): run scripts/lab.sh first`);
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
  }
  return env;
}

/** The bindir of a full lab installation of a major (15: Debian's; 17, 18: built from source). */
export function labBindir(major: 15 | 17 | 18): string {
  const value = labEnv()[`CUTOVER_LAB_PG${major}_BINDIR`];
  if (!value) throw new Error(`the upgrade lab has no PostgreSQL ${major}: run CUTOVER_LAB_MAJORS="17 18" scripts/lab.sh`);
  return value;
}

/** Starts a server from a lab installation (full tool set, pgvector available). */
export function startLabServer(major: 15 | 17 | 18, options: LocalServerOptions = {}): Promise<LocalServer> {
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
