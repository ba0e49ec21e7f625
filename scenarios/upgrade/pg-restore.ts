import type { RunResult } from '../../core/child-process.js';
import type { Endpoint } from '../../core/endpoint.js';
import { runTool } from './pg-dump.js';

/** `role "x" already exists`: the roles initdb made (the superuser) are in every dump of globals. */
const EXPECTED_GLOBALS_ERROR = /ERROR:\s+role "[^"]+" already exists/;

/**
 * Replays `pg_dumpall --globals-only` with the target's psql. The bootstrap superuser exists
 * already, so its CREATE ROLE fails and is the one error allowed; any other fails the step.
 * `afterSql` runs in the same session after the globals (e.g. the superuser's password back).
 */
export async function restoreGlobals(o: { bindir: string; endpoint: Endpoint; file: string; afterSql?: string; artifactDir: string; signal?: AbortSignal }): Promise<{ result: RunResult; ignored: number }> {
  let ignored = 0;
  const result = await runTool({
    bindir: o.bindir,
    tool: 'psql',
    args: ['--no-psqlrc', '--quiet', `--dbname=${o.endpoint.database}`, '-f', o.file, ...(o.afterSql ? ['-f', '-'] : [])],
    endpoint: o.endpoint,
    artifactDir: o.artifactDir,
    label: 'psql-globals',
    ...(o.afterSql ? { input: o.afterSql } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ok: (r) => {
      const errors = r.stderr.split('\n').filter((l) => /ERROR:/.test(l));
      ignored = errors.filter((l) => EXPECTED_GLOBALS_ERROR.test(l)).length;
      return r.exitCode === 0 && errors.length === ignored;
    },
  });
  return { result, ignored };
}

/** `pg_restore -j N` of a directory dump into the endpoint's (empty) database. Any error fails it. */
export function restoreDatabase(o: { bindir: string; endpoint: Endpoint; dir: string; jobs: number; artifactDir: string; signal?: AbortSignal }): Promise<RunResult> {
  return runTool({
    bindir: o.bindir,
    tool: 'pg_restore',
    args: [`--jobs=${o.jobs}`, `--dbname=${o.endpoint.database}`, '--verbose', o.dir],
    endpoint: o.endpoint,
    artifactDir: o.artifactDir,
    label: 'pg_restore',
    ...(o.signal ? { signal: o.signal } : {}),
  });
}
