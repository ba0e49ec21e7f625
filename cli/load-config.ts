import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { type ResolvedConfig, loadConfigFile, resolveConfig } from '../core/config.js';

/** Configuration files looked for in the working directory when `--config` is not given. */
export const CONFIG_FILE_NAMES = [
  'cutover.config.ts',
  'cutover.config.mts',
  'cutover.config.js',
  'cutover.config.mjs',
  'cutover.config.yaml',
  'cutover.config.yml',
  'cutover.config.json',
];

/**
 * The configuration for a command: `--config FILE`, else the one `cutover.config.*` in the
 * working directory, else the defaults. Two candidate files are an error, not a guess.
 */
export async function loadCliConfig(explicit: string | undefined, cwd: string): Promise<{ config: ResolvedConfig; source?: string }> {
  if (explicit !== undefined) return { config: await loadConfigFile(explicit), source: explicit };
  const found = CONFIG_FILE_NAMES.filter((name) => existsSync(join(cwd, name)));
  if (found.length > 1) {
    throw new CutoverError('config', `several configuration files in ${cwd} (${found.join(', ')}); keep one or pass --config`);
  }
  const [only] = found;
  if (only === undefined) return { config: resolveConfig({}) };
  const path = join(cwd, only);
  // Named by its path, as found: the user never wrote `--config`.
  return { config: await loadConfigFile(path, path), source: only };
}
