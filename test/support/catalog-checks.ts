import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import type { Session } from '../../core/session.js';
import type { CheckDefinition } from '../../checks/define-check.js';
import type { Snapshot } from '../../checks/snapshot.js';
import type { FindingInput } from '../../checks/finding.js';
import { serverCheck } from '../../checks/server-identity.js';
import { databasesCheck } from '../../checks/databases.js';
import { extensionsCheck } from '../../checks/extensions.js';
import { pgvectorCheck } from '../../checks/pgvector.js';
import { pgTviewsCheck } from '../../checks/pg-tviews.js';
import { keys } from './finding-keys.js';
import { rolesCheck } from '../../checks/roles.js';

/**
 * Shared by the integration tests of the server, databases, extensions (pgvector, pg_tviews) and
 * roles checks: the seed every server starts from, and helpers to run the checks through the
 * suite and apply their rules. pg_tviews is played by the fixtures in test/fixtures (plain SQL
 * reproducing each API generation's objects; not the real extension).
 */

export const CHECKS: CheckDefinition[] = [serverCheck, databasesCheck, extensionsCheck, pgvectorCheck, pgTviewsCheck, rolesCheck];
export const READER = { user: 'cutover_reader', password: 'reader-pw' };
export const config = resolveConfig({});
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const SECRETS = ['hunter2-token', 'sekrit-pw', 'legacy-pw', 'owner-pw', READER.password];

/** Databases, roles, extensions and the pg_tviews fixtures every test here starts from. */
export async function seed(server: LocalServer): Promise<void> {
  {
    await using admin = await server.admin();
    for (const db of ['app', 'tv_one', 'tv_two', 'locked']) await admin.query(`CREATE DATABASE ${db}`);
    await admin.query(`REVOKE CONNECT ON DATABASE locked FROM PUBLIC`);
    await admin.query(`SET password_encryption = 'md5'`);
    await admin.query(`CREATE ROLE legacy LOGIN PASSWORD 'legacy-pw'`);
    await admin.query(`RESET password_encryption`);
    await admin.query(`CREATE ROLE app_owner LOGIN CREATEDB PASSWORD 'owner-pw'`);
    await admin.query(`CREATE ROLE app_reader NOLOGIN`);
    await admin.query(`GRANT app_owner TO legacy WITH ADMIN OPTION`);
    await admin.query(`GRANT app_reader TO legacy`);
    await admin.query(`CREATE ROLE ${READER.user} LOGIN PASSWORD '${READER.password}' IN ROLE pg_monitor`);
    await admin.query(`ALTER ROLE ${READER.user} SET default_transaction_read_only = on`);
  }
  {
    await using app = await server.admin('app');
    await app.query(`CREATE EXTENSION hstore VERSION '1.4'`);
    await app.query(`CREATE EXTENSION pg_trgm`);
    await app.query(`CREATE TABLE items (id int PRIMARY KEY, attrs hstore)`);
    await app.query(`INSERT INTO items SELECT g, hstore('k', g::text) FROM generate_series(1, 100) g`);
  }
  for (const [db, file] of [['tv_one', 'pg-tviews-gen1.sql'], ['tv_two', 'pg-tviews-gen2.sql']] as const) {
    await using s = await server.admin(db);
    await s.query(await readFile(join(FIXTURES, file), 'utf8'));
  }
  for (const db of ['app', 'tv_one', 'tv_two']) {
    await using s = await server.admin(db);
    await grantReads(s);
  }
}

/** SELECT on user tables: the only privilege the reader has besides pg_monitor. */
export async function grantReads(s: Session): Promise<void> {
  const schemas = await s.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'`,
  );
  for (const { nspname } of schemas) {
    await s.query(`GRANT USAGE ON SCHEMA "${nspname}" TO ${READER.user}`);
    await s.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${nspname}" TO ${READER.user}`);
  }
}

export function snapshotOf(server: LocalServer, suite: 'pre' | 'post', asReader = false): Promise<Snapshot> {
  const endpoint = asReader ? server.endpoint('postgres', READER.user, READER.password) : server.endpoint('postgres');
  return runSuite({ endpoint, suite, config, checks: CHECKS });
}

export function dataOf<T>(snapshot: Snapshot, id: string): T {
  const result = snapshot.checks[id];
  expect(result?.status, `${id}: ${result?.reason ?? ''}`).toBe('ok');
  return result?.data as T;
}

export function evaluate(snapshot: Snapshot, check: CheckDefinition): FindingInput[] {
  const result = snapshot.checks[check.id];
  return result?.status === 'ok' ? (check.evaluate?.(result.data, { config, serverVersionNum: snapshot.server.versionNum, suite: snapshot.suite }) ?? []) : [];
}

export function compare(pre: Snapshot, post: Snapshot, check: CheckDefinition): FindingInput[] {
  const ctx = { config, pre: { serverVersionNum: pre.server.versionNum }, post: { serverVersionNum: post.server.versionNum } };
  return check.compare?.(pre.checks[check.id]?.data, post.checks[check.id]?.data, ctx) ?? [];
}

/** Findings as `{ key: severity }`. */
export const severities = keys;

/** Every check ran: ok, or skipped with a reason; none could not look. */
export function expectNoErrors(snapshot: Snapshot): void {
  for (const [id, result] of Object.entries(snapshot.checks)) {
    expect(result.status, `${id}: ${result.reason ?? ''}`).not.toBe('error');
    if (result.status === 'skipped') expect(result.reason, id).toMatch(/\w/);
  }
  expect(Object.keys(snapshot.checks).sort()).toEqual(CHECKS.map((c) => c.id).sort());
}
