import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Verdict } from './manifest.js';

/** `yyyymmdd-hhmmss` in UTC, the prefix of every run directory. */
export function runStamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/**
 * The name of a run directory, `<yyyymmdd-hhmmss>-<name>` (DESIGN.md), the one pattern for every
 * command that makes one (soak, rehearse, run): the name in lower case, each run of characters
 * other than letters, digits, `.`, `_` and `-` as one `-`, no `-` or `.` at either end (so the
 * stamp and the name stay apart by exactly one `-`), `run` when nothing is left.
 */
export function runDirectoryName(name: string, date = new Date()): string {
  const slug = name
    // Accents dropped rather than turned into `-`: `Été` reads `ete`, not `t`.
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return `${runStamp(date)}-${slug || 'run'}`;
}

/**
 * Creates `runs/<stamp>-<name>/` (or the given directory) and returns its absolute path. A
 * generated name is never reused: two runs started in the same second get `-2`, `-3`…, so one
 * run's artifacts never land in another's directory.
 */
export async function createRunDirectory(options: { name: string; parent?: string; dir?: string; now?: Date }): Promise<string> {
  if (options.dir !== undefined) {
    const dir = resolve(options.dir);
    await mkdir(dir, { recursive: true });
    return dir;
  }
  const parent = resolve(options.parent ?? 'runs');
  await mkdir(parent, { recursive: true });
  const base = runDirectoryName(options.name, options.now);
  for (let n = 1; ; n++) {
    const dir = join(parent, n === 1 ? base : `${base}-${n}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error;
    }
  }
}

/** Writes so far, for unique temporary names. */
let writes = 0;

/**
 * Writes a file atomically (temporary file, then rename), so that a run directory is readable
 * whatever moment the harness is stopped at.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  // One temporary name per write: two writes of the same file under way at once (run.json saved
  // by a step while another save is in flight) must not rename each other's file away.
  const tmp = `${path}.${process.pid}.${++writes}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export type { Verdict };
