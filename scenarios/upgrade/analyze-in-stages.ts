import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from '../../core/child-process.js';
import type { Endpoint } from '../../core/endpoint.js';
import { libpqEnv } from './libpq-env.js';

/**
 * `vacuumdb --analyze-in-stages` of the new version: statistics in three passes of growing
 * precision, so the planner has something usable within seconds of an upgrade or a restore
 * (neither carries statistics before PostgreSQL 18). Its output is kept in the artifacts.
 */
export async function analyzeInStages(o: {
  bindir: string;
  endpoint: Endpoint;
  /** Every database (`--all`), or only the endpoint's. */
  all: boolean;
  jobs?: number;
  artifactDir: string;
  signal?: AbortSignal;
}): Promise<{ durationMs: number }> {
  const args = ['--analyze-in-stages', ...(o.all ? ['--all'] : ['--dbname', o.endpoint.database]), ...(o.jobs && o.jobs > 1 ? ['--jobs', String(o.jobs)] : [])];
  const result = await runChecked(join(o.bindir, 'vacuumdb'), args, {
    env: libpqEnv(o.endpoint),
    timeoutMs: 3_600_000,
    signal: o.signal,
  }).catch(async (error: unknown) => {
    await writeFile(join(o.artifactDir, 'vacuumdb.log'), error instanceof Error ? error.message : String(error));
    throw error;
  });
  await writeFile(join(o.artifactDir, 'vacuumdb.log'), `$ ${result.command}\n${result.stdout}${result.stderr}`);
  return { durationMs: result.durationMs };
}
