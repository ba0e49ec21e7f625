import { defineWorkload } from '../workload-types.js';
import { eventsTableDdl } from '../ledger-table.js';
import { qualified } from '../sql-ident.js';
import type { Session } from '../../core/session.js';

/** Dimensions of the soak's embeddings: small, so the load measures the upgrade, not the CPU. */
export const EMBEDDING_DIMENSIONS = 32;

/** A random embedding made by the server, for pgbench (whose expressions have no strings). */
const PGBENCH_EMBEDDING = `(SELECT '[' || string_agg(round((random() * 2 - 1)::numeric, 4)::text, ',') || ']' FROM generate_series(1, ${EMBEDDING_DIMENSIONS}))`;

/**
 * Embeddings written and searched, as a retrieval service does: the ledgered write inserts the
 * event and its embedding in one statement (so verification reads the events table as for every
 * workload), and searches ask for the nearest neighbours through an HNSW index.
 */
export const vector = defineWorkload({
  name: 'vector',
  description: 'ledgered inserts of embeddings and nearest-neighbour searches through an HNSW index (needs pgvector)',
  ddl: (schema) => {
    const embeddings = qualified(schema, 'embeddings');
    return [
      ...eventsTableDdl(schema),
      `CREATE TABLE IF NOT EXISTS ${embeddings} (id bigint NOT NULL, embedding vector(${EMBEDDING_DIMENSIONS}) NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS embeddings_hnsw_idx ON ${embeddings} USING hnsw (embedding vector_l2_ops)`,
    ];
  },
  operations: [
    {
      name: 'insert-embedding',
      weight: 50,
      kind: 'ledgered',
      sql: `WITH e AS (
        INSERT INTO {schema}.events (id, writer_key, payload, created_at) VALUES ($1, ($1::int8 >> 32)::int4, 'embedding', now()) RETURNING id
      ) INSERT INTO {schema}.embeddings (id, embedding) SELECT id, $2::vector FROM e`,
      params: (ctx) => [randomEmbedding(ctx.random)],
      pgbench: [{ sql: PGBENCH_EMBEDDING }],
    },
    {
      name: 'nearest-neighbours',
      weight: 50,
      kind: 'plain',
      sql: 'SELECT id FROM {schema}.embeddings ORDER BY embedding <-> $1::vector LIMIT 10',
      params: (ctx) => [randomEmbedding(ctx.random)],
      pgbench: [{ sql: PGBENCH_EMBEDDING }],
    },
  ],
  available: vectorAvailable,
});

/** pgvector must be installed in the database: the soak never creates extensions itself. */
async function vectorAvailable(db: Session): Promise<true | string> {
  const rows = await db.query<{ installed: boolean; available: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed,
            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`,
  );
  const r = rows[0];
  if (r?.installed) return true;
  return r?.available
    ? 'pgvector is available on this server but not installed in this database: run CREATE EXTENSION vector (cutover never creates extensions)'
    : 'pgvector is not installed on this server (no "vector" extension)';
}

function randomEmbedding(random: () => number): string {
  const parts: string[] = [];
  for (let i = 0; i < EMBEDDING_DIMENSIONS; i++) parts.push((random() * 2 - 1).toFixed(4));
  return `[${parts.join(',')}]`;
}
