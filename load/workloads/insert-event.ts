import type { OperationDefinition } from '../workload-types.js';

/**
 * The built-in ledgered write: one event row whose id the harness chose. The writer key is
 * derived from the id in SQL (`id >> 32`), so the statement needs nothing the driver does not
 * already pass, and pgbench can run the very same statement for benchmarks.
 */
export const INSERT_EVENT_SQL = 'INSERT INTO {schema}.events (id, writer_key, payload, created_at) VALUES ($1, ($1::int8 >> 32)::int4, $2, now())';

/** The ledgered insert with a given weight among a workload's operations. */
export function insertEvent(weight = 1): OperationDefinition {
  return {
    name: 'insert-event',
    weight,
    kind: 'ledgered',
    sql: INSERT_EVENT_SQL,
    params: (ctx) => [`event ${ctx.id ?? ''} ${Math.floor(ctx.random() * 1e9)}`],
    // The same text: pgbench's expressions have no strings, so SQL builds it.
    pgbench: [{ sql: `'event ' || :id || ' ' || floor(random() * 1e9)::int8` }],
  };
}
