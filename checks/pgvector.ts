import type { Session } from '../core/session.js';
import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { forEachDatabase, type UninspectedDatabase } from './each-database.js';

export interface VectorIndex {
  schema: string;
  table: string;
  index: string;
  /** `hnsw` or `ivfflat`. */
  method: string;
  /** One operator class per key column, e.g. `vector_cosine_ops`. */
  opclasses: string[];
  valid: boolean;
  ready: boolean;
  /** Storage options as given at creation: `m`, `ef_construction` (HNSW), `lists` (IVFFlat). */
  options: Record<string, string>;
}

export interface PgvectorDatabase {
  database: string;
  version: string;
  schema: string;
  indexes: VectorIndex[];
}

export interface PgvectorData {
  /** Only databases where `vector` is installed. */
  databases: PgvectorDatabase[];
  /** Every database looked into, with or without pgvector. */
  inspected: string[];
  uninspected: UninspectedDatabase[];
}

const VECTOR_METHODS = ['hnsw', 'ivfflat'];

/** pgvector: its version and every HNSW and IVFFlat index, with operator classes, validity and options. */
export const pgvectorCheck = defineCheck<PgvectorData>({
  id: 'extensions.pgvector',
  title: 'pgvector version and vector indexes (HNSW, IVFFlat)',
  doc: {
    collects: 'the pgvector version per database and every vector index (HNSW, IVFFlat) with its operator class and validity',
    evaluates: 'invalid vector indexes',
    compares: 'vector indexes missing after, become invalid, or with another operator class',
    findings: {
      'invalid-index': { severity: 'fail', meaning: 'a vector index is invalid' },
      'became-invalid': { severity: 'fail', meaning: 'a vector index valid before is invalid after' },
      'index-missing': { severity: 'fail', meaning: 'a vector index of pre is not there after' },
      opclass: { severity: 'warn', meaning: 'a vector index has another operator class' },
    },
  },
  async collect(ctx) {
    const all = await forEachDatabase(ctx, lookInto);
    const databases = all.inspected.flatMap((d) => (d.value ? [d.value] : []));
    if (databases.length === 0) {
      const unseen = all.uninspected.length ? ` (${all.uninspected.length} database(s) could not be opened)` : '';
      return ctx.skip(`pgvector (extension vector) is not installed in any database${unseen}`);
    }
    return { databases, inspected: all.inspected.map((d) => d.database), uninspected: all.uninspected };
  },
  evaluate(data) {
    return data.databases.flatMap((d) =>
      d.indexes
        .filter((i) => !i.valid || !i.ready)
        .map((i) => ({
          key: `invalid-index:${d.database}:${i.schema}.${i.index}`,
          severity: 'fail' as const,
          message: `${i.method} index ${i.schema}.${i.index} on ${i.table} in database ${d.database} is ${i.ready ? 'invalid' : 'not ready'}: queries do not use it; drop it and build it again (REINDEX INDEX CONCURRENTLY)`,
          object: `${d.database}.${i.schema}.${i.index}`,
          details: { valid: i.valid, ready: i.ready },
        })),
    );
  },
  compare(pre, post) {
    const inspectedAfter = new Set(post.inspected);
    const after = new Map<string, VectorIndex>(
      post.databases.flatMap((d) => d.indexes.map((i): [string, VectorIndex] => [`${d.database}:${i.schema}.${i.index}`, i])),
    );
    const findings: FindingInput[] = [];
    for (const d of pre.databases) {
      // A database not opened after is the databases check's finding, not a lost index.
      if (!inspectedAfter.has(d.database)) continue;
      for (const a of d.indexes) {
        const key = `${d.database}:${a.schema}.${a.index}`;
        const object = `${d.database}.${a.schema}.${a.index}`;
        const b = after.get(key);
        if (!b) {
          findings.push({ key: `index-missing:${key}`, severity: 'fail', message: `${a.method} index ${a.schema}.${a.index} on ${a.table} in database ${d.database} is missing after`, object });
          continue;
        }
        if (a.opclasses.join(',') !== b.opclasses.join(',')) {
          findings.push({
            key: `opclass:${key}`,
            severity: 'warn',
            message: `index ${a.schema}.${a.index} in database ${d.database} operator class ${a.opclasses.join(', ')} -> ${b.opclasses.join(', ')} (queries using the old distance operator no longer use it)`,
            object,
            details: { pre: a.opclasses, post: b.opclasses },
          });
        }
        if (a.valid && a.ready && !(b.valid && b.ready)) {
          findings.push({ key: `became-invalid:${key}`, severity: 'fail', message: `index ${a.schema}.${a.index} in database ${d.database} was valid before and is invalid after`, object });
        }
      }
    }
    return findings;
  },
});

interface IndexRow extends Record<string, unknown> {
  schema: string;
  table: string;
  index: string;
  method: string;
  opclasses: string[];
  valid: boolean;
  ready: boolean;
  reloptions: string[] | null;
}

async function lookInto(db: Session, database: string): Promise<PgvectorDatabase | undefined> {
  const [ext] = await db.query<{ version: string; schema: string }>(
    `SELECT e.extversion AS version, n.nspname AS schema
       FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'vector'`,
  );
  if (!ext) return undefined;
  const rows = await db.query<IndexRow>(
    `SELECT n.nspname AS schema, t.relname AS table, c.relname AS index, am.amname AS method,
            ARRAY(SELECT opc.opcname::text
                    FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opclass, ord)
                    JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass
                   ORDER BY k.ord) AS opclasses,
            i.indisvalid AS valid, i.indisready AS ready, c.reloptions
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
       JOIN pg_catalog.pg_am am ON am.oid = c.relam
       JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE am.amname = ANY($1)
      ORDER BY n.nspname, c.relname`,
    [VECTOR_METHODS],
  );
  return {
    database,
    version: ext.version,
    schema: ext.schema,
    indexes: rows.map((r) => ({
      schema: r.schema,
      table: r.table,
      index: r.index,
      method: r.method,
      opclasses: r.opclasses,
      valid: r.valid,
      ready: r.ready,
      options: parseOptions(r.reloptions),
    })),
  };
}

/** `{m=16,ef_construction=64}` as `{ m: '16', ef_construction: '64' }`. */
function parseOptions(reloptions: string[] | null): Record<string, string> {
  const options: Record<string, string> = {};
  for (const o of reloptions ?? []) {
    const at = o.indexOf('=');
    if (at > 0) options[o.slice(0, at)] = o.slice(at + 1);
  }
  return options;
}
