import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainBaselines } from '../../checks/explain-baselines.js';
import { extensionObjectsCheck } from '../../checks/extension-objects.js';
import { extensionsCheck } from '../../checks/extensions.js';
import { runSuite } from '../../checks/suite.js';
import type { Snapshot } from '../../checks/snapshot.js';
import type { Finding } from '../../checks/finding.js';
import { resolveConfig, type ResolvedConfig } from '../../core/config.js';
import { diffAndGate } from '../../reports/diff-and-gate.js';
import { extensionUpdatesSectionHtml } from '../../reports/sections/extension-updates-section.js';
import { extensionUpdateAction } from '../../scenarios/actions/extension-update.js';
import type { ExtensionUpdateOutcome } from '../../scenarios/upgrade/extension-updates.js';
import type { LocalServer } from '../../scenarios/providers/local-server.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';
import type { RunManifest } from '../../run/manifest.js';
import { TestActionContext, blueCluster } from '../support/action-context.js';
import { labReady, startLabServer } from '../support/lab.js';

/**
 * Acceptance (issue 19): an extension update that renames a function used by an EXPLAIN baseline
 * query fails that baseline after, as a `fail` finding with the query's name and PostgreSQL's
 * error, and the catalogs name what the update changed. The extension is a small SQL one of this
 * test's own, `cutover_geo` 1.0 and 2.0, found through PostgreSQL 18's `extension_control_path`
 * (no file of the installation is touched); its 1.0 -> 2.0 script does what a major update of a
 * vector extension does: renames a function (callers by name break), renames an operator class
 * an index uses (the index follows it), redefines a function a view uses, drops a cast and its
 * function, adds an operator, an access method and an enum label.
 */

const ready = labReady(18);

const CONTROL = `comment = 'cutover test extension'\ndefault_version = '2.0'\nrelocatable = false\nschema = public\n`;
const V10 = `
CREATE FUNCTION geo_dist(a point, b point) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT a <-> b $$;
CREATE FUNCTION geo_norm(p point) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT p <-> point(0, 0) $$;
CREATE FUNCTION geo_label(p point, digits int DEFAULT 2) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT round(p[0]::numeric, digits) || ',' || round(p[1]::numeric, digits) $$;
CREATE OPERATOR <~> (LEFTARG = point, RIGHTARG = point, FUNCTION = geo_dist, COMMUTATOR = <~>);
CREATE OPERATOR CLASS geo_text_ops FOR TYPE text USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 bttextcmp(text, text);
CREATE TYPE geo_unit AS ENUM ('m', 'km');
CREATE FUNCTION geo_unit_factor(geo_unit) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT CASE $1 WHEN 'km' THEN 1000 ELSE 1 END $$;
CREATE CAST (geo_unit AS int) WITH FUNCTION geo_unit_factor(geo_unit);
`;
const V10_TO_20 = `
ALTER FUNCTION geo_dist(point, point) RENAME TO geo_distance;
CREATE OR REPLACE FUNCTION geo_norm(p point) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT sqrt(p[0] * p[0] + p[1] * p[1]) $$;
CREATE OR REPLACE FUNCTION geo_label(p point, digits int DEFAULT 3) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT round(p[0]::numeric, digits) || ',' || round(p[1]::numeric, digits) $$;
ALTER OPERATOR CLASS geo_text_ops USING btree RENAME TO geo_txt_ops;
DROP CAST (geo_unit AS int);
DROP FUNCTION geo_unit_factor(geo_unit);
ALTER TYPE geo_unit ADD VALUE 'mi';
CREATE FUNCTION geo_far(a point, b point) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT (a <-> b) > 100 $$;
CREATE OPERATOR <!> (LEFTARG = point, RIGHTARG = point, FUNCTION = geo_far);
CREATE ACCESS METHOD geo_btree TYPE INDEX HANDLER bthandler;
`;

describe.skipIf(!ready)(`an extension update that renames a function an EXPLAIN baseline uses${ready ? '' : ' (skipped: the upgrade lab has no PostgreSQL 18, run scripts/lab.sh)'}`, () => {
  let dir: string;
  let server: LocalServer;
  let blue: Cluster;
  let ctx: TestActionContext;
  let config: ResolvedConfig;
  let pre: Snapshot;
  let post: Snapshot;
  let outcome: ExtensionUpdateOutcome | undefined;
  let stepDetails: Record<string, unknown>;
  let findings: Finding[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutover-extobjects-'));
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'extension'));
    await writeFile(join(dir, 'extension', 'cutover_geo.control'), CONTROL);
    await writeFile(join(dir, 'extension', 'cutover_geo--1.0.sql'), V10);
    await writeFile(join(dir, 'extension', 'cutover_geo--1.0--2.0.sql'), V10_TO_20);
    server = await startLabServer(18, { name: 'extobjects-18', settings: { extension_control_path: `$system:${dir}` } });
    blue = await blueCluster(server, { provider: 'bindir' });
    {
      await using app = await blue.admin('app');
      await app.query(`CREATE EXTENSION cutover_geo VERSION '1.0'`);
      await app.query(`
        CREATE TABLE places (id int PRIMARY KEY, name text NOT NULL, p point NOT NULL, unit geo_unit NOT NULL DEFAULT 'm');
        INSERT INTO places SELECT g, 'place ' || g, point(g, g * 2), 'm' FROM generate_series(1, 200) g;
        CREATE INDEX places_name_idx ON places (name geo_text_ops);
        CREATE VIEW place_norms AS SELECT id, geo_norm(p) AS norm FROM places;
        ANALYZE places;
      `);
    }
    config = resolveConfig({
      explain: {
        queries: [
          { name: 'nearest-places', sql: 'SELECT id FROM places ORDER BY geo_dist(p, point(0, 0)) LIMIT 5' },
          { name: 'place-names', sql: 'SELECT name FROM places ORDER BY name LIMIT 5' },
        ],
      },
    });
    const suite = (s: 'pre' | 'post') => runSuite({ endpoint: server.endpoint('app'), suite: s, config, checks: [extensionsCheck, extensionObjectsCheck, explainBaselines] });
    pre = await suite('pre');
    ctx = await TestActionContext.create({ scenario: { name: 'extobjects' }, blue });
    const step = await ctx.runStep(extensionUpdateAction, { names: ['cutover_geo'] });
    expect(step.status, JSON.stringify(step.error)).toBe('ok');
    stepDetails = step.details;
    outcome = (step.details.extensions as ExtensionUpdateOutcome[])[0];
    post = await suite('post');
    findings = diffAndGate(pre, post, config).findings;
  });

  afterAll(async () => {
    await ctx?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const byId = (id: string) => findings.find((f) => f.id === id);

  it('fails the EXPLAIN baseline that calls the renamed function, naming the query and the error; the other baseline passes', () => {
    const failed = byId('explain.baselines/error:nearest-places');
    expect(failed?.severity).toBe('fail');
    expect(failed?.message).toContain('nearest-places');
    expect(failed?.message).toContain('function geo_dist(point, point) does not exist');
    expect((failed?.details?.error as { sqlState?: string } | undefined)?.sqlState).toBe('42883');
    expect(findings.filter((f) => f.checkId === 'explain.baselines' && f.object === 'place-names')).toEqual([]);
  });

  it('names what the update changed, from the catalogs: renames, removals, changes, additions and the index on a renamed operator class', () => {
    const objects = findings.filter((f) => f.checkId === 'extensions.objects').map((f) => `${f.severity} ${f.id}`);
    expect(objects).toEqual(
      expect.arrayContaining([
        'warn extensions.objects/removed:app:cutover_geo:function public.geo_dist(pg_catalog.point,pg_catalog.point)',
        'warn extensions.objects/renamed:app:cutover_geo:operator class public.geo_text_ops USING btree',
        'warn extensions.objects/removed:app:cutover_geo:cast (public.geo_unit AS integer)',
        'warn extensions.objects/removed:app:cutover_geo:function public.geo_unit_factor(public.geo_unit)',
        'warn extensions.objects/changed:app:cutover_geo:function public.geo_norm(pg_catalog.point)',
        'warn extensions.objects/changed:app:cutover_geo:type public.geo_unit',
        'info extensions.objects/changed:app:cutover_geo',
        'info extensions.objects/added:app:cutover_geo',
        'warn extensions.objects/index-changed:app:public.places_name_idx',
      ]),
    );
    expect(byId('extensions.objects/renamed:app:cutover_geo:operator class public.geo_text_ops USING btree')?.message).toContain('is now public.geo_txt_ops USING btree');
    expect(byId('extensions.objects/changed:app:cutover_geo:function public.geo_norm(pg_catalog.point)')?.message).toContain('rule _RETURN on view place_norms');
    // The enum a column uses gained a label: a warning naming the column.
    expect(byId('extensions.objects/changed:app:cutover_geo:type public.geo_unit')?.message).toBe(
      "type public.geo_unit of extension cutover_geo in database app changed (1.0 -> 2.0): enum ('m', 'km') -> enum ('m', 'km', 'mi'); used by column unit of table places, default value for column unit of table places",
    );
    // Changed without a user: geo_label's default, and the operator whose function was renamed, listed in one info finding.
    const quiet = byId('extensions.objects/changed:app:cutover_geo')?.details?.changed as { identity: string; pre: string; post: string }[];
    expect(quiet.map((c) => c.identity).sort()).toEqual(['public.<~>(pg_catalog.point,pg_catalog.point)', 'public.geo_label(pg_catalog.point,integer)']);
    expect(quiet.find((c) => c.identity.startsWith('public.<~>'))).toMatchObject({ pre: 'geo_dist(point,point), returns double precision', post: 'geo_distance(point,point), returns double precision' });
    const added = (byId('extensions.objects/added:app:cutover_geo')?.details?.added as { kind: string; identity: string }[]).map((a) => `${a.kind} ${a.identity}`).sort();
    expect(added).toEqual(['access method geo_btree', 'function public.geo_distance(pg_catalog.point,pg_catalog.point)', 'function public.geo_far(pg_catalog.point,pg_catalog.point)', 'operator public.<!>(pg_catalog.point,pg_catalog.point)']);
    // The version itself is the extensions check's finding.
    expect(byId('extensions/upgraded:app:cutover_geo')?.message).toBe('extension cutover_geo in database app 1.0 -> 2.0');
  });

  it("records the same in the step's details and renders them in the report's extension updates table", () => {
    expect(outcome).toMatchObject({ database: 'app', extension: 'cutover_geo', before: '1.0', after: '2.0', outcome: 'updated' });
    expect(outcome?.objects).toEqual({
      added: ['access method geo_btree', 'function public.geo_distance(pg_catalog.point,pg_catalog.point)', 'function public.geo_far(pg_catalog.point,pg_catalog.point)', 'operator public.<!>(pg_catalog.point,pg_catalog.point)'],
      removed: ['cast (public.geo_unit AS integer)', 'function public.geo_dist(pg_catalog.point,pg_catalog.point)', 'function public.geo_unit_factor(public.geo_unit)'],
      changed: [
        'function public.geo_label(pg_catalog.point,integer): (p point, digits integer DEFAULT 2) returns text -> (p point, digits integer DEFAULT 3) returns text',
        'function public.geo_norm(pg_catalog.point)',
        'operator public.<~>(pg_catalog.point,pg_catalog.point): geo_dist(point,point), returns double precision -> geo_distance(point,point), returns double precision',
        "type public.geo_unit: enum ('m', 'km') -> enum ('m', 'km', 'mi')",
      ],
      renamed: ['operator class public.geo_text_ops USING btree -> public.geo_txt_ops USING btree'],
      indexes: ['index public.places_name_idx: changed (CREATE INDEX places_name_idx ON public.places USING btree (name geo_txt_ops))'],
    });
    const run = { steps: [{ name: 'ALTER EXTENSION cutover_geo UPDATE', action: 'extension-update', status: 'ok', details: stepDetails }] } as unknown as RunManifest;
    const html = extensionUpdatesSectionHtml(run);
    expect(html).toContain('<td class="mono">1.0 → 2.0</td>');
    expect(html).toContain('function public.geo_dist(pg_catalog.point,pg_catalog.point)');
    expect(html).toContain('<strong>Renamed (1)</strong><div class="mono">operator class public.geo_text_ops USING btree -&gt; public.geo_txt_ops USING btree</div>');
  });
});
