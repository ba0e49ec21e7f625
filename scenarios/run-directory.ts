import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Verdict } from './run-manifest.js';

/** `yyyymmdd-hhmmss` in UTC, the prefix of every run directory. */
export function runStamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}`;
}

/** Creates `runs/<stamp>-<name>/` (or the given directory) and returns its absolute path. */
export async function createRunDirectory(options: { name: string; parent?: string; dir?: string }): Promise<string> {
  const safeName = options.name.replace(/[^a-zA-Z0-9._-]+/g, '-');
  const dir = resolve(options.dir ?? join(options.parent ?? 'runs', `${runStamp()}-${safeName}`));
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Writes a file atomically (temporary file, then rename), so that a run directory is readable
 * whatever moment the harness is stopped at.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export type { Verdict };
