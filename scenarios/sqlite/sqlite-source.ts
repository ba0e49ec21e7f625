import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SqliteLocation } from '../../core/sqlite-location.js';
import { openSqliteFile } from '../../core/sqlite-file.js';
import type { SqliteSourceSpec } from '../scenario-types.js';
import { writeSampleSqlite } from './sample-database.js';

/** The file a built-in sample is written to, in the run directory. */
export const SAMPLE_FILE = 'source.sqlite';

/** The SQLite file a run moves off: the user's, or the built-in sample written into the run directory. */
export interface SqliteSource {
  location: SqliteLocation;
  /** The built-in sample (written by the run), not a user's file. */
  sample: boolean;
  sizeBytes: number;
  /** Tables and rows of a sample, as written. */
  tables?: { name: string; rows: number }[];
}

/**
 * Finds the scenario's SQLite blue: a user's file (relative to `cwd`), opened later read-only and
 * never written, or cutover's built-in sample written into the run directory now.
 */
export async function resolveSqliteSource(spec: SqliteSourceSpec, runDir: string, cwd = process.cwd()): Promise<SqliteSource> {
  if (spec.file !== undefined) {
    const location = { path: resolve(cwd, spec.file), text: spec.file };
    // Opened (read-only) and closed at once: a missing, foreign, corrupt or locked file stops the run before any server starts.
    const file = await openSqliteFile(location, { label: 'blue' });
    file.close();
    return { location, sample: false, sizeBytes: (await stat(location.path)).size };
  }
  const path = join(runDir, SAMPLE_FILE);
  const written = writeSampleSqlite(path, { resources: spec.sample?.resources ?? 5_000 });
  return { location: { path, text: SAMPLE_FILE }, sample: true, sizeBytes: (await stat(path)).size, tables: written.tables };
}
