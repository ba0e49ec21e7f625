import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainBaselines } from '../../checks/explain-baselines.js';
import { extensionObjectsCheck } from '../../checks/extension-objects.js';
import { extensionsCheck } from '../../checks/extensions.js';
import type { Finding } from '../../checks/finding.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import { diffAndGate } from '../../reports/diff-and-gate.js';
import { extensionUpdateAction } from '../../scenarios/actions/extension-update.js';
import { LocalServer } from '../../scenarios/providers/local-server.js';
import type { ExtensionUpdateOutcome } from '../../scenarios/upgrade/extension-updates.js';
import { TestActionContext, blueCluster } from '../support/action-context.js';
import { labBindir, labReady } from '../support/lab.js';
import { copyInstallation, installBuild, pgrxBuild } from '../support/pgrx-builds.js';

/**
 * The real pg_tviews through a real extension update: 0.1.0-beta.20 -> 0.1.0-beta.34 on a private
 * copy of the lab's 17 (both builds from scripts/pg-tviews.sh; beta.20 for 17 with
 * CUTOVER_PG_TVIEWS_VERSION_PG17=0.1.0-beta.20). A TVIEW over a base table; the application's
 * queries read its beta.20 backing view `public.v_post` and call `pg_tviews_set_logged`, both
 * gone in beta.34. The packages are swapped with the server stopped (as a package upgrade does),
 * then the `extension-update` step runs ALTER EXTENSION pg_tviews UPDATE.
 */

const FROM = '0.1.0-beta.20';
const TO = '0.1.0-beta.34';
const builds = labReady(17) ? { from: pgrxBuild('pg_tviews', FROM, 17), to: pgrxBuild('pg_tviews', TO, 17) } : undefined;
const ready = Boolean(builds?.from && builds.to);

describe.skipIf(!ready)(`pg_tviews ${FROM} -> ${TO} on 17 as an extension-update step${ready ? '' : ' (skipped: no lab 17 or no pg_tviews builds of both releases for 17: scripts/pg-tviews.sh, with CUTOVER_PG_TVIEWS_VERSION_PG17=0.1.0-beta.20 for the older)'}`, () => {
  let root: string | undefined;
  let server: LocalServer | undefined;
  let ctx: TestActionContext | undefined;
  let outcome: ExtensionUpdateOutcome | undefined;
  let findings: Finding[] = [];

  beforeAll(async () => {
    const install = await copyInstallation(labBindir(17));
    root = install.root;
    await installBuild(builds?.from ?? '', install.bindir);
    server = await LocalServer.start({ name: 'tviews-update-17', bindir: install.bindir, settings: { shared_preload_libraries: 'pg_tviews' } });
    const blue = await blueCluster(server, { provider: 'bindir' });
    {
      await using app = await blue.admin('app');
      await app.query(`CREATE EXTENSION pg_tviews`);
      await app.query(`CREATE TABLE tb_post (pk_post serial PRIMARY KEY, id uuid NOT NULL DEFAULT gen_random_uuid(), title text NOT NULL)`);
      await app.query(`INSERT INTO tb_post (title) SELECT 'post ' || g FROM generate_series(1, 100) g`);
      await app.query(`SELECT tviews.pg_tviews_create('tv_post', 'SELECT pk_post, id, jsonb_build_object(''title'', title) AS data FROM tb_post')`);
    }
    const config = resolveConfig({
      explain: {
        queries: [
          { name: 'posts-through-backing-view', sql: 'SELECT count(*) FROM public.v_post' },
          { name: 'set-post-logged', sql: `SELECT tviews.pg_tviews_set_logged('post', true)` },
          { name: 'posts-from-tview', sql: 'SELECT count(*) FROM tv_post' },
        ],
      },
    });
    const endpoint = server.endpoint('app');
    const suite = (s: 'pre' | 'post') => runSuite({ endpoint, suite: s, config, checks: [extensionsCheck, extensionObjectsCheck, explainBaselines] });
    const pre = await suite('pre');
    // The package upgrade: new library and scripts while the server is down.
    await server.stop();
    await installBuild(builds?.to ?? '', install.bindir);
    await server.start();
    ctx = await TestActionContext.create({ scenario: { name: 'tviews-update' }, blue });
    const step = await ctx.runStep(extensionUpdateAction, { names: ['pg_tviews'] });
    expect(step.status, JSON.stringify(step.error)).toBe('ok');
    outcome = (step.details.extensions as ExtensionUpdateOutcome[])[0];
    findings = diffAndGate(pre, await suite('post'), config).findings;
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const byId = (id: string) => findings.find((f) => f.id === id);

  it("fails the baselines on what the update removed, each with the query's name and PostgreSQL's error; the TVIEW's own query passes", () => {
    expect(byId('explain.baselines/error:posts-through-backing-view')).toMatchObject({ severity: 'fail' });
    expect(byId('explain.baselines/error:posts-through-backing-view')?.message).toMatch(/posts-through-backing-view.*relation "public\.v_post" does not exist/);
    expect(byId('explain.baselines/error:set-post-logged')?.severity).toBe('fail');
    expect(byId('explain.baselines/error:set-post-logged')?.message).toMatch(/set-post-logged.*function tviews\.pg_tviews_set_logged\(unknown, boolean\) does not exist/);
    expect(findings.filter((f) => f.object === 'posts-from-tview' && f.severity === 'fail')).toEqual([]);
  });

  it('names the functions the update removed and changed, and a signature that changed with its new one', () => {
    expect(outcome).toMatchObject({ database: 'app', extension: 'pg_tviews', before: FROM, after: TO, outcome: 'updated' });
    expect(outcome?.objects?.removed).toEqual(expect.arrayContaining(['function tviews.pg_tviews_set_logged(pg_catalog.text,boolean)', 'function tviews.pg_tviews_refresh_all_entities()']));
    expect(outcome?.objects?.added).toEqual(expect.arrayContaining(['view tviews.stats', 'function tviews.pg_tviews_create(pg_catalog.text,pg_catalog.text,pg_catalog.jsonb)']));
    expect(outcome?.objects?.changed).toContain('function tviews.pg_tviews_refresh(pg_catalog.text): (entity text) returns void -> (tview text) returns void');
    expect(byId('extensions.objects/removed:app:pg_tviews:function tviews.pg_tviews_set_logged(pg_catalog.text,boolean)')?.severity).toBe('warn');
    expect(byId('extensions.objects/removed:app:pg_tviews:function tviews.pg_tviews_create(pg_catalog.text,pg_catalog.text)')?.message).toContain(
      'the extension now has tviews.pg_tviews_create(pg_catalog.text,pg_catalog.text,pg_catalog.jsonb)',
    );
  });
});
