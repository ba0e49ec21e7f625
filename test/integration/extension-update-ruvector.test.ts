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
import { TestActionContext, blueCluster, type StepOutcome } from '../support/action-context.js';
import { labBindir, labReady } from '../support/lab.js';
import { copyInstallation, installBuild, pgrxBuild } from '../support/pgrx-builds.js';

/**
 * RuVector (the crate registry's `ruvector-postgres`, scripts/ruvector.sh) 0.2.6 -> 2.0.4 on a
 * private copy of the lab's 17, as docs/extension-updates.md describes it: no release ships an
 * upgrade script from extension version 0.1.0 to 2.0.0, so the step fails with PostgreSQL's
 * reason, and the new library already reads the old HNSW index differently, which the EXPLAIN
 * ANALYZE baseline of a nearest-neighbour query turns into a `fail`. Skipped unless both builds
 * are cached (they take about 20 minutes on 2 cores: not part of the CI's dependencies).
 */

const builds = labReady(17) ? { from: pgrxBuild('ruvector', '0.2.6', 17), to: pgrxBuild('ruvector', '2.0.4', 17) } : undefined;
const ready = Boolean(builds?.from && builds.to);

describe.skipIf(!ready)(`RuVector 0.2.6 -> 2.0.4 on 17${ready ? '' : ' (skipped: no RuVector builds for 17 cached, run scripts/ruvector.sh)'}`, () => {
  let root: string | undefined;
  let server: LocalServer | undefined;
  let ctx: TestActionContext | undefined;
  let step: StepOutcome | undefined;
  let findings: Finding[] = [];

  beforeAll(async () => {
    const install = await copyInstallation(labBindir(17));
    root = install.root;
    await installBuild(builds?.from ?? '', install.bindir);
    server = await LocalServer.start({ name: 'ruvector-17', bindir: install.bindir });
    const blue = await blueCluster(server, { provider: 'bindir' });
    {
      await using app = await blue.admin('app');
      await app.query(`CREATE EXTENSION ruvector`);
      await app.query(`CREATE TABLE items (id int PRIMARY KEY, e ruvector(3) NOT NULL)`);
      await app.query(`INSERT INTO items SELECT g, format('[%s,%s,%s]', g, g * 2, g * 3)::ruvector FROM generate_series(1, 100) g`);
      await app.query(`CREATE INDEX items_e_hnsw ON items USING hnsw (e ruvector_l2_ops)`);
    }
    const config = resolveConfig({ explain: { queries: [{ name: 'nearest-items', sql: `SELECT id FROM items ORDER BY e <-> '[1,1,1]'::ruvector LIMIT 3`, analyze: true }] } });
    const endpoint = server.endpoint('app');
    const suite = (s: 'pre' | 'post') => runSuite({ endpoint, suite: s, config, checks: [extensionsCheck, extensionObjectsCheck, explainBaselines] });
    const pre = await suite('pre');
    await server.stop();
    await installBuild(builds?.to ?? '', install.bindir);
    await server.start();
    ctx = await TestActionContext.create({ scenario: { name: 'ruvector-update' }, blue });
    step = await ctx.runStep(extensionUpdateAction, { names: ['ruvector'] });
    findings = diffAndGate(pre, await suite('post'), config).findings;
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('fails the step: no upgrade script from 0.1.0 to 2.0.0', () => {
    expect(step?.status).toBe('failed');
    expect(step?.error?.message).toBe('extension "ruvector" has no update path from version "0.1.0" to version "2.0.0" (SQLSTATE 22023)');
    expect(step?.error?.sqlState).toBe('22023');
  });

  it("fails the nearest-neighbour baseline: the new library reads the old index's metadata differently", () => {
    const f = findings.find((x) => x.id === 'explain.baselines/error:nearest-items');
    expect(f?.severity).toBe('fail');
    expect(f?.message).toContain('HNSW: Query vector has 3 dimensions but index expects 128');
    // The extension is still at 0.1.0 with 2.0.0 available: the extensions check says so.
    expect(findings.find((x) => x.id === 'extensions/update-pending:app:ruvector')?.severity).toBe('warn');
  });
});
