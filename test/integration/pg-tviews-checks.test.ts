import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { embeddedBindir } from '../../scenarios/providers/embedded-binaries.js';
import { installationWithExtensions, type ExtendedInstallation } from '../../scenarios/providers/extension-install.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import { keys } from '../support/finding-keys.js';
import { type PgTviewsData, pgTviewsCheck } from '../../checks/pg-tviews.js';
import type { Snapshot } from '../../checks/snapshot.js';
import { pgTviewsDir, pgTviewsMissing } from '../support/lab.js';

/**
 * The pg_tviews check against the real extension, one server per API shape: 0.1.0-beta.34 (16: a
 * TVIEW over any table, `tviews.stats`, refresh by name) and 0.1.0-beta.20 (17: TVIEWs over
 * tb_<entity> tables with pk/id/data, refresh by entity, unlogged TVIEWs), each in a copy of the
 * embedded installation. Read-only by default; the rolled-back refresh when configured; and the
 * runbook's "library missing" case without preloading (the server starts, every call into the
 * library and every write to a base table fails).
 */
const CASES = [
  { major: 16 as const, version: '16.4', release: undefined, expected: '0.1.0-beta.34' },
  { major: 17 as const, version: '17.10', release: '0.1.0-beta.20', expected: '0.1.0-beta.20' },
];

for (const c of CASES) {
  const missing = pgTviewsMissing(c.major, c.release);
  describe.skipIf(missing)(`pg_tviews check on ${c.expected} (PostgreSQL ${c.major})${missing ? ` (skipped: ${missing})` : ''}`, () => {
    let dir: string;
    let installation: ExtendedInstallation;
    let server: LocalServer;
    const snapshot = (refresh = false): Promise<Snapshot> =>
      runSuite({ endpoint: server.endpoint('postgres'), suite: 'pre', config: resolveConfig({ checks: { pgTviews: { refresh } } }), checks: [pgTviewsCheck] });
    const data = (s: Snapshot) => s.checks['extensions.pg_tviews']?.data as PgTviewsData;
    const evaluate = (s: Snapshot) => pgTviewsCheck.evaluate?.(data(s), { config: resolveConfig({}), serverVersionNum: s.server.versionNum, suite: 'post' }) ?? [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cutover-pg-tviews-checks-'));
      await chmod(dir, 0o755); // the server's user reads the copy
      installation = await installationWithExtensions(embeddedBindir(c.version), [{ from: pgTviewsDir(c.major, c.release)!, preload: true }], join(dir, 'installation'), 'extensions');
      server = await LocalServer.start({ bindir: installation.bindir, name: `pg-tviews-${c.major}`, settings: { shared_preload_libraries: 'pg_tviews' } });
      await using db = await server.admin('postgres');
      await db.query(`CREATE TABLE public.tb_post (pk_post bigint PRIMARY KEY, title text NOT NULL)`);
      await db.query(`INSERT INTO public.tb_post SELECT g, 'post ' || g FROM generate_series(1, 50) g`);
      await db.query('CREATE EXTENSION pg_tviews');
      await db.query(
        c.release
          ? `SELECT tviews.pg_tviews_create('tv_post', $$SELECT pk_post, md5(pk_post::text)::uuid AS id, jsonb_build_object('title', title) AS data FROM public.tb_post$$)`
          : `SELECT tviews.pg_tviews_create('public.tv_post', 'SELECT pk_post, title FROM public.tb_post', '{}'::jsonb)`,
      );
      await db.query(`INSERT INTO public.tb_post VALUES (51, 'post 51')`);
    }, 60_000);

    afterAll(async () => {
      await server?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reads versions, the TVIEW and its rows read-only; refreshes it in a rolled-back transaction only when asked', async () => {
      const plain = await snapshot();
      expect(plain.checks['extensions.pg_tviews']?.status).toBe('ok');
      const [db] = data(plain).databases;
      expect(db).toMatchObject({ database: 'postgres', generation: 2, libraryVersion: c.expected, extensionVersion: c.expected, unhealthy: [], problems: [] });
      expect(db?.registrations).toMatchObject([{ entity: 'post', schema: 'public', name: 'tv_post', rows: 51, sourceRows: 51 }]);
      expect(db?.registrations[0]?.refresh).toBeUndefined();
      expect(keys(evaluate(plain))).toEqual({ 'jsonb-delta:postgres': 'info' });

      const refreshed = await snapshot(true);
      expect(data(refreshed).databases[0]?.registrations[0]?.refresh).toMatchObject({ ok: true });
      await using admin = await server.admin('postgres');
      expect(await admin.query(`SELECT count(*)::int AS n FROM public.tv_post`)).toEqual([{ n: 51 }]);
    });

    it('finds a TVIEW whose contents drifted from its query at the same row count (stale), and not after a refresh', async () => {
      await using admin = await server.admin('postgres');
      await admin.query(c.release ? `UPDATE public.tv_post SET data = '{"title": "drifted"}' WHERE pk_post = 1` : `UPDATE public.tv_post SET title = 'drifted' WHERE pk_post = 1`);
      const drifted = await snapshot();
      expect(data(drifted).databases[0]?.registrations[0]).toMatchObject({ rows: 51, sourceRows: 51, contentsDiffer: true });
      const stale = evaluate(drifted).find((f) => f.key === 'stale:postgres:post');
      expect(stale?.message).toMatch(/holds 51 row\(s\) whose contents differ from its query's/);
      await admin.query(`SELECT tviews.pg_tviews_refresh('post')`);
      expect(data(await snapshot()).databases[0]?.registrations[0]).toMatchObject({ rows: 51, sourceRows: 51, contentsDiffer: false });
    });

    it('with the library gone and no preload: library-missing names pg_tviews and the TVIEW; writes to the base table fail', async () => {
      await server.stop('fast');
      await rm(join(installation.pkglibdir, 'pg_tviews.so'));
      await server.configure({ shared_preload_libraries: '' });
      await server.start();
      {
        await using admin = await server.admin('postgres');
        await expect(admin.query(`INSERT INTO public.tb_post VALUES (52, 'post 52')`)).rejects.toThrow(/could not access file "\$libdir\/pg_tviews"/);
      }
      const s = await snapshot();
      expect(s.checks['extensions.pg_tviews']?.status).toBe('ok');
      const findings = evaluate(s);
      expect(keys(findings)).toMatchObject({ 'library-missing:postgres': 'fail', 'not-preloaded': 'fail' });
      const missing = findings.find((f) => f.key === 'library-missing:postgres');
      expect(missing?.message).toMatch(/pg_tviews library missing: extension pg_tviews .* TVIEWs affected .*: public\.tv_post/);
    });
  });
}
