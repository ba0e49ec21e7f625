import type { Session } from '../../core/session.js';

/**
 * The benchmark database of issue 3: `tables` tables across 10 schemas holding `rows` rows in
 * all, each with a primary key, a secondary index and a JSONB column.
 */
export async function seedBenchDataset(db: Session, tables = 1_000, rows = 5_000_000): Promise<void> {
  const perTable = Math.floor(rows / tables);
  await db.query(`
    DO $$
    DECLARE i int;
    BEGIN
      FOR s IN 0..9 LOOP
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS bench_%s', s);
      END LOOP;
      FOR i IN 1..${tables} LOOP
        EXECUTE format('CREATE TABLE bench_%s.t%s (id bigint PRIMARY KEY, k int NOT NULL, v text, doc jsonb)', i % 10, i);
        EXECUTE format('CREATE INDEX ON bench_%s.t%s (k)', i % 10, i);
      END LOOP;
    END $$;
  `);
  // One INSERT per table, in batches so that progress is steady and memory stays flat.
  for (let i = 1; i <= tables; i++) {
    await db.query(
      `INSERT INTO bench_${i % 10}.t${i} SELECT g, g % 97, md5(g::text), jsonb_build_object('g', g) FROM generate_series(1, ${perTable}) g`,
    );
  }
  await db.query('VACUUM ANALYZE');
}
