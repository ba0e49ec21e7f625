import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { RUN_SCHEMA_VERSION, type RunManifest } from './manifest.js';
import { RUN_FILE } from './run-files.js';

/** Reads `run.json` of a run directory, refusing anything else: another file, or a schema this version does not read. */
export async function readRunManifest(runDir: string): Promise<RunManifest> {
  const path = join(runDir, RUN_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A directory without run.json is the common mistake (a parent of runs, a typo): say that.
    if (code === 'ENOENT' && existsSync(runDir)) throw new CutoverError('input', `${runDir}: no run.json in this directory: expected a run directory (runs/<time>-<name>)`, { cause: error });
    throw new CutoverError('input', `${runDir}: not a readable run directory (${code ?? (error as Error).message})`, { cause: error });
  }
  const manifest = parsed as Partial<RunManifest> | null;
  if (manifest?.kind !== 'cutover.run') {
    throw new CutoverError('input', `${path}: not a cutover run manifest (expected "kind": "cutover.run")`);
  }
  if (manifest.schemaVersion !== RUN_SCHEMA_VERSION) {
    throw new CutoverError('input', `${path}: run schema version ${String(manifest.schemaVersion)} is not supported (expected ${RUN_SCHEMA_VERSION}); read it with the version of cutover that wrote it (tool.version)`);
  }
  return withErrorRecords(manifest as RunManifest);
}

/** Run directories written before errors were recorded whole hold each error as a string: read it as a record's message. */
function withErrorRecords(manifest: RunManifest): RunManifest {
  const record = (e: unknown) => (typeof e === 'string' ? { message: e } : e);
  if (manifest.error !== undefined) manifest.error = record(manifest.error) as RunManifest['error'];
  for (const step of Array.isArray(manifest.steps) ? manifest.steps : []) {
    if (step.error !== undefined) step.error = record(step.error) as typeof step.error;
  }
  return manifest;
}
