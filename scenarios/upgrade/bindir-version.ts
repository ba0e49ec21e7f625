import { join } from 'node:path';
import { runCommand } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';

/** `{ version: '17.11', major: 17 }` from `postgres --version` of a bindir. */
export async function bindirVersion(bindir: string): Promise<{ version: string; major: number }> {
  const result = await runCommand(join(bindir, 'postgres'), ['--version'], { timeoutMs: 10_000 });
  const version = /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(result.stdout)?.[1];
  if (result.exitCode !== 0 || !version) {
    throw new CutoverError('provision', `cannot tell the version of ${join(bindir, 'postgres')}: ${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}`);
  }
  return { version, major: Number(version.split('.')[0]) };
}
