import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CutoverError } from '../../core/errors.js';

/** Where scripts/patroni.sh keeps its virtual environments: CUTOVER_PATRONI_DIR, else /var/cache/cutover-patroni as root, else ~/.cache/cutover-patroni. */
export function patroniDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CUTOVER_PATRONI_DIR) return env.CUTOVER_PATRONI_DIR;
  return process.getuid?.() === 0 ? '/var/cache/cutover-patroni' : join(homedir(), '.cache', 'cutover-patroni');
}

/**
 * The `patroni` executable: the one named (a scenario's `patroni`), else CUTOVER_PATRONI, else the
 * newest that scripts/patroni.sh installed, else the first on PATH. `patronictl` is beside it.
 */
export function findPatroni(named?: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = named ?? env.CUTOVER_PATRONI;
  if (explicit) {
    if (!existsSync(explicit)) throw new CutoverError('usage', `patroni: expected the path of a patroni executable, got "${explicit}" (not found)`);
    return explicit;
  }
  const installed = installedPatroni(env);
  if (installed) return installed;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'patroni'))) return join(dir, 'patroni');
  }
  throw new CutoverError(
    'usage',
    `patroni: no patroni executable found (looked for CUTOVER_PATRONI, ${patroniDirectory(env)}/patroni-*/bin/patroni and PATH); install it with scripts/patroni.sh or pip install "patroni[raft,psycopg3]"`,
  );
}

/** The newest complete installation of scripts/patroni.sh, if any. */
function installedPatroni(env: NodeJS.ProcessEnv): string | undefined {
  const base = patroniDirectory(env);
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((name) => /^patroni-\d/.test(name) && existsSync(join(base, name, '.complete')))
    .sort((a, b) => compareVersions(b.slice('patroni-'.length), a.slice('patroni-'.length)));
  const newest = versions[0];
  return newest ? join(base, newest, 'bin', 'patroni') : undefined;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
