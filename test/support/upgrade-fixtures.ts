import type { Session } from '../../core/session.js';
import { resolveConfig } from '../../core/config.js';
import { runSuite } from '../../checks/suite.js';
import { pgvectorCheck, type PgvectorData } from '../../checks/pgvector.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';

/** Rows of the vector fixture table. */
export const DOC_ROWS = 2_000;

/**
 * What an upgrade must carry over: a table with pgvector's HNSW and IVFFlat indexes (when
 * `vector`), an extension whose default version moves between majors (pg_stat_statements 1.10 on
 * 15), a login role with a password.
 */
export async function seedUpgradeFixture(app: Session, o: { vector: boolean }): Promise<void> {
  await app.query(`CREATE EXTENSION pg_stat_statements`);
  await app.query(`CREATE ROLE app_reader LOGIN PASSWORD 'reader-secret'`);
  if (o.vector) {
    await app.query(`CREATE EXTENSION vector`);
    await app.query(`CREATE TABLE docs (id int PRIMARY KEY, body text NOT NULL, embedding vector(3) NOT NULL)`);
    await app.query(`INSERT INTO docs SELECT g, 'doc ' || g, ARRAY[sin(g), cos(g), g % 7]::vector FROM generate_series(1, ${DOC_ROWS}) g`);
    await app.query(`CREATE INDEX docs_hnsw ON docs USING hnsw (embedding vector_l2_ops) WITH (m = 8, ef_construction = 32)`);
    await app.query(`CREATE INDEX docs_ivf ON docs USING ivfflat (embedding vector_cosine_ops) WITH (lists = 4)`);
  } else {
    await app.query(`CREATE TABLE docs (id int PRIMARY KEY, body text NOT NULL)`);
    await app.query(`INSERT INTO docs SELECT g, 'doc ' || g FROM generate_series(1, ${DOC_ROWS}) g`);
  }
  await app.query(`GRANT SELECT ON docs TO app_reader`);
}

/** The row count of the fixture table on a cluster's database. */
export async function docCount(cluster: Cluster): Promise<number> {
  await using app = await cluster.admin();
  const [row] = await app.query<{ n: string }>(`SELECT count(*) AS n FROM docs`);
  return Number(row?.n);
}

/** pgvector's indexes as the catalog check `extensions.pgvector` sees them. */
export async function vectorIndexes(cluster: Cluster): Promise<{ index: string; method: string; valid: boolean }[]> {
  const snapshot = await runSuite({ endpoint: cluster.endpoint(), suite: 'post', config: resolveConfig({}), checks: [pgvectorCheck] });
  const data = snapshot.checks['extensions.pgvector']?.data as PgvectorData | undefined;
  return (data?.databases ?? []).flatMap((d) => d.indexes.map((i) => ({ index: i.index, method: i.method, valid: i.valid && i.ready }))).sort((a, b) => a.index.localeCompare(b.index));
}

export { clearForeignAttributeOptions } from '../../scenarios/upgrade/attribute-options.js';
