import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, toolFailure, type RunResult } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { lastPsqlError } from '../../core/psql-messages.js';
import { libpqEnv } from '../upgrade/libpq-env.js';
import type { Cluster } from '../topology/cluster.js';

/** What a blue/green needs of green's full installation: dumps are taken with the newer tools. */
export const SCHEMA_TOOLS = ['pg_dump', 'psql'] as const;

const DUMP_TIMEOUT_MS = 10 * 60_000;

/** What the schema copy did, for the step's details. */
export interface SchemaCopy {
  /** The schema dump kept in the step's artifacts. */
  dumpFile: string;
  /** Whether blue's roles were copied first (pg_dumpall --roles-only). */
  roles: boolean;
  /** Statements of the roles script that failed (a role green already has, such as the superuser). */
  roleErrors: number;
}

/**
 * Copies blue's schema into green: roles first (pg_dumpall --roles-only, when the tools have it;
 * creating a role green already has fails harmlessly, and the superuser's password comes over
 * with it: green is provisioned with blue's), then `pg_dump --schema-only` of blue's database with
 * green's own pg_dump, restored with psql stopping at the first error (a table that did not come
 * over would make the subscription fail later, less clearly).
 */
export async function copySchema(o: { blue: Cluster; green: Cluster; bindir: string; artifactDir: string; signal?: AbortSignal }): Promise<SchemaCopy> {
  const { blue, green, bindir } = o;
  const run = (program: string, args: string[], endpoint = blue.endpoint()) =>
    runCommand(join(bindir, program), args, { env: libpqEnv(endpoint), timeoutMs: DUMP_TIMEOUT_MS, signal: o.signal });

  let roles = false;
  let roleErrors = 0;
  if (existsSync(join(bindir, 'pg_dumpall'))) {
    const rolesFile = join(o.artifactDir, 'roles.sql');
    // Passwords come along when blue lets us read them (a superuser); a managed server does not.
    let dumped = await run('pg_dumpall', ['--roles-only', '--file', rolesFile], blue.endpoint('postgres'));
    if (dumped.exitCode !== 0) dumped = await run('pg_dumpall', ['--roles-only', '--no-role-passwords', '--file', rolesFile], blue.endpoint('postgres'));
    checked(dumped, 'pg_dumpall --roles-only of blue');
    const restored = checked(
      await run('psql', ['--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=0', '--output', '/dev/null', '--file', rolesFile], green.endpoint('postgres')),
      'psql restoring blue\'s roles into green',
    );
    roles = true;
    roleErrors = (restored.stderr.match(/ERROR:/g) ?? []).length;
  }

  const dumpFile = join(o.artifactDir, 'schema.sql');
  checked(await run('pg_dump', ['--schema-only', '--no-publications', '--no-subscriptions', '--file', dumpFile]), `pg_dump --schema-only of blue (${bindir})`);
  // VERBOSITY verbose: the error that stops the restore carries its SQLSTATE.
  const restore = await run('psql', ['--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=1', '--set', 'VERBOSITY=verbose', '--output', '/dev/null', '--file', dumpFile], green.endpoint());
  if (restore.exitCode !== 0) {
    await writeFile(join(o.artifactDir, 'schema-restore.stderr'), restore.stderr);
    const pg = lastPsqlError(restore.stderr);
    const said = pg ? `${pg.line !== undefined ? `schema.sql line ${pg.line}: ` : ''}${pg.level}: ${pg.message.split('\n')[0]}` : firstError(restore.stderr);
    throw new CutoverError('query', `schema copy: green (PostgreSQL ${green.version}) rejected blue's schema: ${said}`, {
      message: `${restore.command}\n${restore.stderr}`,
      tool: toolFailure(restore),
      ...(pg?.sqlState ? { sqlState: pg.sqlState } : {}),
      ...(pg?.detail ? { detail: pg.detail } : {}),
      ...(pg?.hint ? { hint: pg.hint } : {}),
    });
  }
  return { dumpFile, roles, roleErrors };
}

function checked(result: RunResult, what: string): RunResult {
  if (result.exitCode === 0) return result;
  const why = result.timedOut ? `timed out after ${result.durationMs} ms` : firstError(result.stderr) || `exit ${result.exitCode ?? result.signal}`;
  throw new CutoverError('query', `${what} failed: ${why}`, { message: `${result.command}\n${result.stderr}`, tool: toolFailure(result) });
}

function firstError(stderr: string): string {
  return stderr.split('\n').find((l) => /ERROR|FATAL|error:/.test(l))?.trim() ?? stderr.trim().split('\n')[0] ?? '';
}
