import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

/**
 * vitest global setup: the CLI tests run what users run, the compiled CLI, so the project is
 * built once before any test file starts (never by two files at once).
 */
export default async function buildOnce(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await promisify(execFile)('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
}
