import { rename, writeFile } from 'node:fs/promises';
import { CutoverError } from '../core/errors.js';

/** Writes a result file whole (temporary file, then rename), so a reader never sees half of it. */
export async function writeOutput(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (error) {
    throw new CutoverError('internal', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
}
