import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { waitFor } from '../support/lab.js';
import { SECRETS, READER, compare, dataOf, evaluate, expectNoErrors, seed, severities, snapshotOf } from '../support/catalog-checks.js';
import { type ServerData, serverCheck } from '../../checks/server-identity.js';
import { type DatabasesData, databasesCheck } from '../../checks/databases.js';
import { type ExtensionsData, extensionsCheck } from '../../checks/extensions.js';
import { type PgTviewsData, pgTviewsCheck } from '../../checks/pg-tviews.js';
import { type RolesData, rolesCheck } from '../../checks/roles.js';

/**
 * The server, databases, extensions (pgvector, pg_tviews) and roles checks against real
 * embedded 15 and 17 servers: as the superuser, as a role with only pg_monitor and SELECT on
 * user tables whose sessions are forced read-only, and before/after a set of changes. pg_tviews
 * is played by the fixtures in test/fixtures (plain SQL reproducing each API generation's
 * objects; not the real extension). pgvector needs the lab: checks-pgvector-lab.test.ts.
 */

for (const version of ['15', '17']) {
  describe(`server, databases, extensions and roles checks on PostgreSQL ${version}`, () => {
    let server: LocalServer;

    beforeAll(async () => {
      server = await LocalServer.start({
        version,
        name: `checks-${version}`,
        settings: {
          work_mem: '8MB',
          hash_mem_multiplier: 3,
          shared_preload_libraries: 'pg_stat_statements',
          ssl_passphrase_command: 'echo hunter2-token',
          primary_conninfo: 'host=replica.invalid user=rep password=sekrit-pw',
        },
      });
      await seed(server);
    });
    afterAll(() => server?.close());

    it('collects what the server holds, as the superuser, without writing a secret', async () => {
      const snapshot = await snapshotOf(server, 'pre');
      expectNoErrors(snapshot);
      const text = JSON.stringify(snapshot);
      for (const secret of SECRETS) expect(text).not.toContain(secret);

      const s = dataOf<ServerData>(snapshot, 'server');
      expect(s.major).toBe(Number(version));
      expect(s.version).toMatch(new RegExp(`^${version}\\.\\d+$`));
      expect(s.dataChecksums).toBe(false);
      expect(s.sizes).toEqual({ blockSize: 8192, walBlockSize: 8192, segmentSize: 1024 ** 3, walSegmentSize: 16 * 1024 ** 2 });
      expect(s.settings.find((x) => x.name === 'work_mem')).toEqual({ name: 'work_mem', setting: '8192', unit: 'kB', source: 'configuration file' });
      expect(s.settings.find((x) => x.name === 'ssl_passphrase_command')).toEqual({ name: 'ssl_passphrase_command', setting: '********', unit: null, source: 'configuration file', masked: true });
      expect(s.settings.find((x) => x.name === 'primary_conninfo')?.setting).toBe('host=replica.invalid user=rep password=********');
      // Our own session settings are not the server's configuration.
      expect(s.settings.map((x) => x.name)).not.toContain('application_name');
      expect(s.watched.find((w) => w.name === 'hash_mem_multiplier')).toMatchObject({ present: true, setting: '3', source: 'configuration file', bootVal: '2' });
      expect(s.watched.find((w) => w.name === 'vacuum_buffer_usage_limit')).toMatchObject(
        version === '15' ? { present: false } : { present: true, setting: '2048', unit: 'kB', bootVal: '2048' },
      );

      const d = dataOf<DatabasesData>(snapshot, 'databases');
      expect(d.databases.map((x) => x.name)).toEqual(['app', 'locked', 'postgres', 'template0', 'template1', 'tv_one', 'tv_two']);
      const app = d.databases.find((x) => x.name === 'app');
      expect(app).toMatchObject({ encoding: 'UTF8', collate: 'C', ctype: 'C', localeProvider: 'libc', allowConnections: true, connectionLimit: -1 });
      expect(app?.sizeBytes).toBeGreaterThan(1_000_000);

      const e = dataOf<ExtensionsData>(snapshot, 'extensions');
      const hstore = e.extensions.find((x) => x.database === 'app' && x.name === 'hstore');
      expect(hstore).toMatchObject({ version: '1.4', updatePending: true, schema: 'public', relocatable: true });
      expect(e.inspected).toEqual(['app', 'locked', 'postgres', 'tv_one', 'tv_two']);
      const pending = evaluate(snapshot, extensionsCheck).find((f) => f.key === 'update-pending:app:hstore');
      expect(pending?.severity).toBe('warn');
      expect(pending?.message).toContain('ALTER EXTENSION hstore UPDATE');

      expect(snapshot.checks['extensions.pgvector']).toMatchObject({ status: 'skipped', reason: 'pgvector (extension vector) is not installed in any database' });

      const t = dataOf<PgTviewsData>(snapshot, 'extensions.pg_tviews');
      expect(t.preloaded).toBe(false);
      expect(t.preloadLibraries).toEqual(['pg_stat_statements']);
      const [one, two] = t.databases;
      expect(one).toMatchObject({ database: 'tv_one', generation: 1, schema: 'public', extensionVersion: null, libraryVersion: '0.1.0', problems: [] });
      expect(one?.registrations.map((r) => [r.entity, r.tableMissing])).toEqual([['comment', true], ['post', false]]);
      expect(two).toMatchObject({ database: 'tv_two', generation: 2, schema: 'tviews', catalogRevision: 6, contractVersion: 2, libraryVersion: '0.1.0-beta.28', healthRows: 6, problems: [] });
      expect(two?.registrations).toEqual([
        { entity: 'author', schema: 'public', name: 'tv_author', needsReregister: true, tableMissing: false, viewMissing: false, view: 'tviews.public__tv_author', rows: 1, sourceRows: 1, contentsDiffer: false },
        { entity: 'post', schema: 'public', name: 'tv_post', needsReregister: false, tableMissing: false, viewMissing: false, view: 'tviews.public__tv_post', rows: 1, sourceRows: 1, contentsDiffer: false },
        { entity: 'tag', schema: 'public', name: 'tv_tag', needsReregister: false, tableMissing: false, viewMissing: true, view: null },
      ]);
      expect(severities(evaluate(snapshot, pgTviewsCheck))).toEqual({
        'not-preloaded': 'fail',
        'jsonb-delta:tv_one': 'info',
        'health:tv_one:metadata': 'fail',
        'needs-rebuild:tv_one:comment': 'fail',
        'generation-1:tv_one': 'info',
        'no-extension:tv_one': 'warn',
        'jsonb-delta:tv_two': 'info',
        'health:tv_two:reregister': 'warn',
        'needs-reregister:tv_two:author': 'warn',
        'needs-rebuild:tv_two:tag': 'fail',
        'no-extension:tv_two': 'warn',
      });

      const r = dataOf<RolesData>(snapshot, 'roles');
      expect(r.source).toBe('pg_authid');
      expect(r.roles.map((x) => [x.name, x.passwordType])).toEqual([
        ['app_owner', 'scram-sha-256'],
        ['app_reader', 'none'],
        ['cutover_reader', 'scram-sha-256'],
        ['legacy', 'md5'],
        ['postgres', 'scram-sha-256'],
      ]);
      expect(r.roles.find((x) => x.name === 'app_owner')).toMatchObject({ createDb: true, login: true, superuser: false });
      expect(r.memberships).toContainEqual({
        role: 'app_owner',
        member: 'legacy',
        admin: true,
        inherit: version === '15' ? null : true,
        set: version === '15' ? null : true,
      });
      expect(r.memberships).toContainEqual(expect.objectContaining({ role: 'pg_monitor', member: READER.user }));
      expect(severities(evaluate(snapshot, rolesCheck))).toEqual({ 'md5-password:legacy': 'info' });
    });

    it('passes or skips with a reason as a pg_monitor role whose sessions are forced read-only', async () => {
      const snapshot = await snapshotOf(server, 'pre', true);
      expectNoErrors(snapshot);
      const r = dataOf<RolesData>(snapshot, 'roles');
      expect(r.source).toBe('pg_roles');
      expect(new Set(r.roles.map((x) => x.passwordType))).toEqual(new Set(['unknown']));
      const e = dataOf<ExtensionsData>(snapshot, 'extensions');
      expect(e.uninspected).toEqual([{ database: 'locked', reason: expect.stringContaining('permission denied') }]);
      expect(severities(evaluate(snapshot, extensionsCheck))).toMatchObject({ 'uninspected:locked': 'warn' });
      const s = dataOf<ServerData>(snapshot, 'server');
      expect(s.watched.find((w) => w.name === 'hash_mem_multiplier')).toMatchObject({ setting: '3' });
      // pg_monitor includes pg_read_all_settings: superuser-only settings are read, and masked.
      expect(s.settings.find((x) => x.name === 'ssl_passphrase_command')).toMatchObject({ setting: '********', masked: true });
      const t = dataOf<PgTviewsData>(snapshot, 'extensions.pg_tviews');
      expect(t.databases.map((d) => [d.database, d.generation, d.problems])).toEqual([
        ['tv_one', 1, []],
        ['tv_two', 2, []],
      ]);
      const sizes = dataOf<DatabasesData>(snapshot, 'databases').databases.map((d) => d.sizeBytes);
      expect(sizes.every((x) => typeof x === 'number' && x > 0)).toBe(true);
    });

    it('reports what changed between a pre and a post snapshot', async () => {
      const pre = await snapshotOf(server, 'pre');
      {
        await using admin = await server.admin();
        await admin.query(`DROP ROLE app_reader`);
        await admin.query(`ALTER ROLE app_owner NOCREATEDB`);
        await admin.query(`REVOKE app_owner FROM legacy`);
        await admin.query(`ALTER SYSTEM SET hash_mem_multiplier = 4`);
        await admin.query(`ALTER SYSTEM SET random_page_cost = 1.1`);
        await admin.query(`SELECT pg_reload_conf()`);
        await admin.query(`DROP DATABASE tv_one`);
        await admin.query(`ALTER DATABASE locked CONNECTION LIMIT 5`);
      }
      {
        await using app = await server.admin('app');
        await app.query(`ALTER EXTENSION hstore UPDATE`);
        await app.query(`DROP EXTENSION pg_trgm`);
        await app.query(`TRUNCATE items`);
      }
      {
        await using tv = await server.admin('tv_two');
        await tv.query(`DELETE FROM tviews.pg_tview_meta WHERE entity = 'post'`);
      }
      // A reload reaches new sessions once the postmaster has handled it; poll, never sleep.
      await waitFor(async () => {
        await using s = await server.admin();
        const [row] = await s.query<{ v: string }>(`SELECT current_setting('hash_mem_multiplier') AS v`);
        return row?.v === '4';
      }, 'the reloaded hash_mem_multiplier');
      const post = await snapshotOf(server, 'post');

      expect(severities(compare(pre, post, serverCheck))).toEqual({
        'watched:hash_mem_multiplier': 'warn',
        'setting-added:random_page_cost': 'info',
      });
      expect(severities(compare(pre, post, databasesCheck))).toEqual({ 'missing:tv_one': 'fail', 'connection-limit:locked': 'info' });
      expect(severities(compare(pre, post, extensionsCheck))).toEqual({ 'upgraded:app:hstore': 'info', 'missing:app:pg_trgm': 'fail' });
      expect(severities(evaluate(post, extensionsCheck))).toEqual({});
      // tv_one is gone: that is the databases check's failure, not a list of lost TVIEWs.
      expect(severities(compare(pre, post, pgTviewsCheck))).toEqual({ 'registration-missing:tv_two:post': 'fail' });
      expect(severities(compare(pre, post, rolesCheck))).toEqual({
        'missing:app_reader': 'fail',
        'attributes:app_owner': 'warn',
        'membership-lost:app_owner:legacy': 'warn',
      });
    });

    it('reports a pg_tviews health check that tries to write as a finding, not a crash', async () => {
      {
        await using tv = await server.admin('tv_two');
        await tv.query(`CREATE TABLE tviews.health_log (at timestamptz)`);
        await tv.query(`ALTER FUNCTION tviews.pg_tviews_health_check() RENAME TO pg_tviews_health_check_real`);
        await tv.query(`CREATE FUNCTION tviews.pg_tviews_health_check()
          RETURNS TABLE (status TEXT, component TEXT, message TEXT, severity TEXT) LANGUAGE plpgsql VOLATILE AS $$
          BEGIN
            INSERT INTO tviews.health_log VALUES (now());
            RETURN QUERY SELECT * FROM tviews.pg_tviews_health_check_real();
          END $$`);
      }
      try {
        const snapshot = await snapshotOf(server, 'pre');
        const t = dataOf<PgTviewsData>(snapshot, 'extensions.pg_tviews');
        const two = t.databases.find((d) => d.database === 'tv_two');
        expect(two?.problems).toEqual([{ what: 'health-check', message: expect.stringContaining('read-only transaction') }]);
        expect(two?.healthRows).toBeNull();
        expect(two?.registrations.length).toBeGreaterThan(0); // the rest is still read
        expect(severities(evaluate(snapshot, pgTviewsCheck))).toMatchObject({ 'health-check-failed:tv_two': 'warn' });
        await using tv = await server.admin('tv_two');
        expect(await tv.query(`SELECT count(*)::int AS n FROM tviews.health_log`)).toEqual([{ n: 0 }]);
      } finally {
        await using tv = await server.admin('tv_two');
        await tv.query(`DROP FUNCTION tviews.pg_tviews_health_check()`);
        await tv.query(`ALTER FUNCTION tviews.pg_tviews_health_check_real() RENAME TO pg_tviews_health_check`);
      }
    });
  });
}
