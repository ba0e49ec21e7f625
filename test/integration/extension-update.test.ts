import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { extensionUpdateAction } from '../../scenarios/actions/extension-update.js';
import type { LocalServer } from '../../scenarios/providers/local-server.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';
import { TestActionContext, blueCluster } from '../support/action-context.js';
import { labReady, startLabServer } from '../support/lab.js';

/**
 * extension-update on a real server, with an update that does change a version: the lab has
 * pgvector 0.8.0 on every major (so a chain's updates are no-ops), so this test brings a tiny
 * SQL-only extension of its own, `cutover_demo` 1.0 and 1.1, through PostgreSQL 18's
 * `extension_control_path` (no file of the installation is touched). Installed at 1.0 in two
 * databases, it is updated in both, each recorded with its versions; pgvector, already at its
 * default, is recorded as `already-current`; a name installed nowhere fails the step, naming it.
 */

const ready = labReady(18);

const CONTROL = `comment = 'cutover test extension'\ndefault_version = '1.1'\nrelocatable = true\n`;
const V10 = `CREATE FUNCTION cutover_demo_version() RETURNS text LANGUAGE sql AS $$ SELECT '1.0' $$;\n`;
const V11 = `CREATE OR REPLACE FUNCTION cutover_demo_version() RETURNS text LANGUAGE sql AS $$ SELECT '1.1' $$;\n`;

interface Outcome {
  database: string;
  extension: string;
  before: string;
  after: string;
  outcome: string;
  objects?: unknown;
}

describe.skipIf(!ready)(`extension-update on a lab server${ready ? '' : ' (skipped: the upgrade lab has no PostgreSQL 18, run scripts/lab.sh)'}`, () => {
  let dir: string;
  let server: LocalServer;
  let blue: Cluster;
  // One context for both tests: closing it stops blue.
  let ctx: TestActionContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-extupdate-'));
    // The server's user reads the control and script files.
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'extension'));
    await writeFile(join(dir, 'extension', 'cutover_demo.control'), CONTROL);
    await writeFile(join(dir, 'extension', 'cutover_demo--1.0.sql'), V10);
    await writeFile(join(dir, 'extension', 'cutover_demo--1.0--1.1.sql'), V11);
    server = await startLabServer(18, { name: 'extupdate-18', settings: { extension_control_path: `$system:${dir}` } });
    blue = await blueCluster(server, { provider: 'bindir' });
    {
      await using admin = await blue.admin('postgres');
      await admin.query(`CREATE DATABASE other`);
    }
    for (const database of ['app', 'other']) {
      await using session = await blue.admin(database);
      await session.query(`CREATE EXTENSION cutover_demo VERSION '1.0'`);
    }
    {
      await using app = await blue.admin('app');
      await app.query(`CREATE EXTENSION vector`);
    }
    ctx = await TestActionContext.create({ scenario: { name: 'extupdate' }, blue });
  });

  afterAll(async () => {
    await ctx?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('updates every pending extension in every database, and records a named one at its default as already-current', async () => {
    // Default: the extensions whose installed version differs from default_version (not pgvector).
    const pending = await ctx.runStep(extensionUpdateAction, {});
    expect(pending.status, JSON.stringify(pending.error)).toBe('ok');
    // The new body of the extension's one function is what the catalogs say the update changed.
    const objects = { added: [], removed: [], changed: ['function public.cutover_demo_version()'], renamed: [], indexes: [] };
    expect(pending.details.extensions as Outcome[]).toEqual([
      { database: 'app', extension: 'cutover_demo', before: '1.0', after: '1.1', outcome: 'updated', objects },
      { database: 'other', extension: 'cutover_demo', before: '1.0', after: '1.1', outcome: 'updated', objects },
    ]);
    {
      await using other = await blue.admin('other');
      expect(await other.query(`SELECT cutover_demo_version() AS v`)).toEqual([{ v: '1.1' }]);
    }
    // Named and already at its default: the statement runs, the record says no-op.
    const named = await ctx.runStep(extensionUpdateAction, { names: ['vector', 'cutover_demo'] });
    expect(named.status).toBe('ok');
    expect((named.details.extensions as Outcome[]).map((o) => `${o.database}/${o.extension} ${o.before}->${o.after} ${o.outcome}`)).toEqual([
      'app/cutover_demo 1.1->1.1 already-current',
      'app/vector 0.8.0->0.8.0 already-current',
      'other/cutover_demo 1.1->1.1 already-current',
    ]);
    // Nothing pending any more: an empty record, not a failure.
    const none = await ctx.runStep(extensionUpdateAction, {});
    expect(none.status).toBe('ok');
    expect(none.details.extensions).toEqual([]);
  });

  it('fails the step naming an extension installed in no database, and one whose target version does not exist', async () => {
    const missing = await ctx.runStep(extensionUpdateAction, { names: ['vector', 'pg_nothing'] });
    expect(missing.status).toBe('failed');
    expect(missing.thrown).toBeInstanceOf(CutoverError);
    expect((missing.thrown as CutoverError).shortMessage).toMatch(/^extension-update: field "names": "pg_nothing" installed in no database of blue \(PostgreSQL 18\.\d+\); expected installed extensions$/);
    const unknown = await ctx.runStep(extensionUpdateAction, { names: ['cutover_demo'], to: '9.9' });
    expect(unknown.status).toBe('failed');
    // The server's reason comes through: no update path to that version.
    expect(unknown.error?.message).toMatch(/cutover_demo.*9\.9/);
  });
});
