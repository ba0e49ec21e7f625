import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';

/** A pgbench found on this machine. */
export interface PgbenchBinary {
  path: string;
  /** `15.20`, `17.11`: what `pgbench --version` says. */
  version: string;
  major: number;
}

export interface FindPgbenchOptions {
  /** `--pgbench-bin`: the program, or a directory holding it; nothing else is tried when given. */
  explicit?: string;
  /** Directories tried before PATH (the bindir of a server cutover provisioned). */
  before?: readonly string[];
  /** Directories tried after PATH (the upgrade lab's installations). */
  after?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** How errors name the explicit choice. Default `--pgbench-bin`. */
  option?: string;
}

/**
 * Finds pgbench: `--pgbench-bin`, else the bindirs given first, PATH, then the fallbacks, and
 * asks it its version. Not found is an error that says where it looked (exit 3).
 */
export async function findPgbench(o: FindPgbenchOptions = {}): Promise<PgbenchBinary> {
  const env = o.env ?? process.env;
  if (o.explicit !== undefined) {
    const option = o.option ?? '--pgbench-bin';
    const path = isDirectory(o.explicit) ? join(o.explicit, 'pgbench') : o.explicit;
    if (!isFile(path)) throw new CutoverError('usage', `${option}: expected the pgbench program or a directory holding it, got "${o.explicit}" (no such file)`);
    return versionOf(path, option);
  }
  const pathDirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const dirs = [...(o.before ?? []), ...pathDirs, ...(o.after ?? [])];
  for (const dir of dirs) {
    const path = join(dir, 'pgbench');
    if (isFile(path)) return versionOf(path, path);
  }
  throw new CutoverError(
    'provision',
    `pgbench not found (looked in ${dirs.length ? `${dirs.length} directories: ${[...(o.before ?? []), 'PATH', ...(o.after ?? [])].join(', ')}` : 'PATH, which is empty'}): install PostgreSQL's client tools (Debian: postgresql-client, with contrib on older releases) or pass --pgbench-bin PATH`,
  );
}

async function versionOf(path: string, label: string): Promise<PgbenchBinary> {
  const result = await runCommand(path, ['--version'], { timeoutMs: 10_000 }).catch((error: unknown) => {
    throw new CutoverError('provision', `${label}: cannot run pgbench: ${(error as Error).message}`, { cause: error });
  });
  const m = /pgbench \(PostgreSQL\) (\d+)(?:\.(\d+))?/.exec(result.stdout);
  if (result.exitCode !== 0 || !m?.[1]) {
    throw new CutoverError('provision', `${label}: not a working pgbench (\`--version\` ${result.exitCode === 0 ? `printed "${result.stdout.trim()}"` : `exited with ${result.exitCode}: ${result.stderr.trim()}`})`);
  }
  return { path, version: m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`, major: Number(m[1]) };
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
