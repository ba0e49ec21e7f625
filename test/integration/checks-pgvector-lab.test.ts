import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { labEnv, startLabServer } from '../support/lab.js';
import { compare, dataOf, evaluate, expectNoErrors, grantReads, seed, severities, snapshotOf } from '../support/catalog-checks.js';
import { type ExtensionsData } from '../../checks/extensions.js';
import { type PgvectorData, pgvectorCheck } from '../../checks/pgvector.js';
import { type RolesData, rolesCheck } from '../../checks/roles.js';
import { type ServerData } from '../../checks/server-identity.js';

/**
 * pgvector needs a full installation: the lab (scripts/lab.sh) builds it for Debian's 15 and a
 * source-built 17 (and 18 when asked for). The catalog checks run there with an HNSW and an
 * IVFFlat index, an HNSW index left invalid by a failed CREATE INDEX CONCURRENTLY, and a pending
 * extension update, as the superuser and as the read-only pg_monitor role.
 */

function labMajors(): (15 | 17 | 18)[] {
  try {
    const env = labEnv();
    return ([15, 17, 18] as const).filter((m) => env[`CUTOVER_LAB_PG${m}_BINDIR`]);
  } catch {
    return [];
  }
}

const majors = labMajors();

describe.skipIf(majors.length === 0)('catalog checks on lab servers with pgvector (skipped when the upgrade lab is not installed: scripts/lab.sh)', () => {
  for (const major of majors.length ? majors : [15 as const]) {
    describe(`PostgreSQL ${major} from the lab`, () => {
      let server: LocalServer;

      beforeAll(async () => {
        server = await startLabServer(major, { name: `vector-lab-${major}`, settings: { shared_preload_libraries: 'pg_stat_statements' } });
        await seed(server);
        await using app = await server.admin('app');
        await app.query(`CREATE EXTENSION vector`);
        await app.query(`CREATE TABLE docs (id int PRIMARY KEY, embedding vector(3) NOT NULL)`);
        await app.query(`INSERT INTO docs SELECT g, ARRAY[sin(g), cos(g), g % 7]::vector FROM generate_series(1, 300) g`);
        await app.query(`CREATE INDEX docs_hnsw ON docs USING hnsw (embedding vector_l2_ops) WITH (m = 8, ef_construction = 32)`);
        await app.query(`CREATE INDEX docs_hnsw_ip ON docs USING hnsw (embedding vector_ip_ops)`);
        await app.query(`CREATE INDEX docs_ivf ON docs USING ivfflat (embedding vector_cosine_ops) WITH (lists = 4)`);
        // An index expression that fails on one row: the concurrent build errors out after the
        // index was created, which leaves it in the catalog, invalid, as in production.
        await app.query(`CREATE FUNCTION picky(id int, v vector) RETURNS vector LANGUAGE plpgsql IMMUTABLE AS $$
          BEGIN IF id = 150 THEN RAISE EXCEPTION 'row % refuses to be indexed', id; END IF; RETURN v; END $$`);
        await expect(app.query(`CREATE INDEX CONCURRENTLY docs_bad ON docs USING hnsw ((picky(id, embedding)::vector(3)) vector_l2_ops)`)).rejects.toThrow(
          /refuses to be indexed/,
        );
        await grantReads(app);
      });
      afterAll(() => server?.close());

      it('collects pgvector indexes with operator classes, options and validity', async () => {
        const snapshot = await snapshotOf(server, 'pre');
        expectNoErrors(snapshot);
        const v = dataOf<PgvectorData>(snapshot, 'extensions.pgvector');
        expect(v.databases).toHaveLength(1);
        expect(v.databases[0]).toMatchObject({ database: 'app', version: expect.stringMatching(/^0\.\d+\.\d+$/), schema: 'public' });
        expect(v.databases[0]?.indexes).toEqual([
          { schema: 'public', table: 'docs', index: 'docs_bad', method: 'hnsw', opclasses: ['vector_l2_ops'], valid: false, ready: false, options: {} },
          { schema: 'public', table: 'docs', index: 'docs_hnsw', method: 'hnsw', opclasses: ['vector_l2_ops'], valid: true, ready: true, options: { m: '8', ef_construction: '32' } },
          { schema: 'public', table: 'docs', index: 'docs_hnsw_ip', method: 'hnsw', opclasses: ['vector_ip_ops'], valid: true, ready: true, options: {} },
          { schema: 'public', table: 'docs', index: 'docs_ivf', method: 'ivfflat', opclasses: ['vector_cosine_ops'], valid: true, ready: true, options: { lists: '4' } },
        ]);
        expect(severities(evaluate(snapshot, pgvectorCheck))).toEqual({ 'invalid-index:app:public.docs_bad': 'fail' });

        const e = dataOf<ExtensionsData>(snapshot, 'extensions');
        expect(e.extensions.find((x) => x.name === 'vector')).toMatchObject({ database: 'app', updatePending: false });
        expect(e.extensions.find((x) => x.name === 'hstore')).toMatchObject({ version: '1.4', updatePending: true });
        expect(dataOf<ServerData>(snapshot, 'server').major).toBe(major);
        const md5 = severities(evaluate(snapshot, rolesCheck))['md5-password:legacy'];
        expect(md5).toBe(major >= 18 ? 'warn' : 'info');
      });

      it('passes or skips with a reason as the read-only pg_monitor role, and still sees the vector indexes', async () => {
        const snapshot = await snapshotOf(server, 'pre', true);
        expectNoErrors(snapshot);
        const v = dataOf<PgvectorData>(snapshot, 'extensions.pgvector');
        expect(v.databases[0]?.indexes.map((i) => [i.index, i.valid])).toEqual([
          ['docs_bad', false],
          ['docs_hnsw', true],
          ['docs_hnsw_ip', true],
          ['docs_ivf', true],
        ]);
        expect(dataOf<RolesData>(snapshot, 'roles').source).toBe('pg_roles');
      });

      it('reports a missing vector index, a changed operator class and an index that became invalid', async () => {
        const pre = await snapshotOf(server, 'pre');
        {
          await using app = await server.admin('app');
          await app.query(`DROP INDEX docs_ivf`);
          await app.query(`DROP INDEX docs_hnsw`);
          await app.query(`CREATE INDEX docs_hnsw ON docs USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32)`);
          // No failed build turns a valid index invalid in place, so as the superuser we flip the
          // catalog flag: what the check reads is exactly this flag.
          await app.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'docs_hnsw_ip'::regclass`);
        }
        const post = await snapshotOf(server, 'post');
        expect(severities(compare(pre, post, pgvectorCheck))).toEqual({
          'index-missing:app:public.docs_ivf': 'fail',
          'opclass:app:public.docs_hnsw': 'warn',
          'became-invalid:app:public.docs_hnsw_ip': 'fail',
        });
      });
    });
  }
});
