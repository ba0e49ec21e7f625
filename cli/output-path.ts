import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CutoverError } from '../core/errors.js';

/**
 * Checks, before any work starts, that a result can be written to `path`: its directory
 * exists and is writable, and the path is not a directory. `option` names the flag in errors.
 */
export function assertWritable(option: string, path: string): string {
  const file = resolve(path);
  const dir = dirname(file);
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CutoverError('usage', `${option} ${path}: is a directory, expected a file name`);
    }
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CutoverError('usage', `${option} ${path}: directory ${dir} does not exist`);
    }
    accessSync(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof CutoverError) throw error;
    throw new CutoverError('usage', `${option} ${path}: cannot write there (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
  return file;
}
