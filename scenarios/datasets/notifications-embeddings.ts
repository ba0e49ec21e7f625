import type { Session } from '../../core/session.js';

/** Dimensions of the dataset's embeddings: small, so HNSW builds in seconds at scale 10. */
export const EMBEDDING_DIMENSIONS = 32;

/** Whether the server can install pgvector (its extension files are there), whether or not it is installed. */
export async function vectorAvailable(db: Session): Promise<boolean> {
  const rows = await db.query<{ available: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`,
  );
  return rows[0]?.available === true;
}

/**
 * An embeddings table for the first `count` notifications, with an HNSW and an IVFFlat index.
 * Vectors come from sines of the id, not random(), so every seeding writes the same values.
 */
export async function seedEmbeddings(db: Session, count: number): Promise<void> {
  await db.query(`
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE app.notification_embeddings (
      notification_id bigint PRIMARY KEY REFERENCES app.notifications ON DELETE CASCADE,
      model           text NOT NULL DEFAULT 'sine-${EMBEDDING_DIMENSIONS}',
      embedding       vector(${EMBEDDING_DIMENSIONS}) NOT NULL
    );
  `);
  await db.query(
    `INSERT INTO app.notification_embeddings (notification_id, embedding)
     SELECT n.id, ARRAY(SELECT sin(n.id * (d * 0.618) + d)::real FROM generate_series(1, ${EMBEDDING_DIMENSIONS}) d ORDER BY d)::vector
     FROM app.notifications n WHERE n.id <= $1::bigint`,
    [count],
  );
  // IVFFlat learns its lists from the rows, so it is built after the load; sqrt(rows) lists is pgvector's advice.
  const lists = Math.max(1, Math.round(Math.sqrt(count)));
  await db.query(`
    CREATE INDEX notification_embeddings_hnsw ON app.notification_embeddings USING hnsw (embedding vector_l2_ops) WITH (m = 16, ef_construction = 64);
    CREATE INDEX notification_embeddings_ivfflat ON app.notification_embeddings USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${lists});
  `);
}
