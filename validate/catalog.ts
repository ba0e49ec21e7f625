import type { Session } from '../core/session.js';
import type { TypeInfo, TypeLookup } from './canonical.js';

/** A column of a user table, as one side's catalog has it. */
export interface CatalogColumn {
  name: string;
  /** `format_type(atttypid, atttypmod)`, e.g. `character(5)`, for notes. */
  declared: string;
  typeOid: number;
}

/** A user table (or a partitioned table, with its partitions) of one side. */
export interface CatalogTable {
  schema: string;
  name: string;
  /** `p` for a partitioned table, read with its partitions; `r` read ONLY (without inheritance children). */
  kind: 'r' | 'p';
  /** pg_class.reltuples: the planner's estimate (-1 never analysed). */
  estimatedRows: number;
  /** The table's size in blocks when the catalog was read (0 for a partitioned table, whose rows are in its partitions). */
  blocks: number;
  columns: CatalogColumn[];
  /** The primary key, else the first unique index on NOT NULL columns: its column names; none: empty. */
  key: string[];
}

/** One side's user tables and the types their columns use. */
export interface Catalog {
  tables: CatalogTable[];
  types: TypeLookup;
  serverVersionNum: number;
  encoding: string;
}

/** Schemas never compared: the system's. */
const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema'];

const TABLES_SQL = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, CASE WHEN c.relkind = 'p'
    THEN (SELECT coalesce(sum(greatest(x.reltuples, 0)), 0) FROM pg_partition_tree(c.oid) p JOIN pg_class x ON x.oid = p.relid WHERE p.isleaf)
    ELSE c.reltuples END::float8 AS estimated,
  CASE WHEN c.relkind = 'r' THEN pg_relation_size(c.oid) / current_setting('block_size')::int8 ELSE 0 END::float8 AS blocks
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> ALL ($1::text[]) AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  -- tables an extension owns are the extension's (its own version decides them), not the user's data
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 2, 3`;

const COLUMNS_SQL = `
SELECT a.attrelid::int8 AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS declared, a.atttypid::int8 AS type
FROM pg_attribute a
WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
  -- generated columns are computed from the others: comparing them adds nothing
  AND a.attgenerated = ''
ORDER BY a.attrelid, a.attnum`;

// The primary key first, then the unique indexes (not partial, no expressions) whose columns are all NOT NULL.
const KEYS_SQL = `
SELECT i.indrelid::int8 AS rel, array_agg(a.attname::text ORDER BY k.ord) AS columns
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = ANY ($1::oid[]) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
  AND k.ord <= i.indnkeyatts
GROUP BY i.indrelid, i.indexrelid, i.indisprimary
HAVING bool_and(a.attnotnull)
ORDER BY i.indrelid, i.indisprimary DESC, count(*), i.indexrelid`;

const TYPES_SQL = `
SELECT t.oid::int8 AS oid, format_type(t.oid, NULL) AS name, t.typtype::text AS typtype, t.typcategory::text AS category,
  NULLIF(t.typelem, 0)::int8 AS element, NULLIF(t.typbasetype, 0)::int8 AS base
FROM pg_type t`;

/** Reads one side's user tables, their columns, keys and types (inside the caller's transaction). */
export async function readCatalog(session: Session, excludeSchemas: readonly string[]): Promise<Catalog> {
  const tables = await session.query<{ oid: string; schema: string; name: string; kind: 'r' | 'p'; estimated: number; blocks: number }>(TABLES_SQL, [
    [...SYSTEM_SCHEMAS, ...excludeSchemas],
  ]);
  const oids = tables.map((t) => t.oid);
  const columns = await session.query<{ rel: string; name: string; declared: string; type: string }>(COLUMNS_SQL, [oids]);
  const keys = await session.query<{ rel: string; columns: string[] }>(KEYS_SQL, [oids]);
  const types = await session.query<{ oid: string; name: string; typtype: string; category: string; element: string | null; base: string | null }>(TYPES_SQL);
  const [{ encoding = 'UTF8' } = {}] = await session.query<{ encoding: string }>(`SELECT current_setting('server_encoding') AS encoding`);

  const byOid = new Map<number, TypeInfo>();
  for (const t of types) {
    byOid.set(Number(t.oid), {
      oid: Number(t.oid),
      name: t.name,
      typtype: t.typtype,
      category: t.category,
      ...(t.element !== null && t.category === 'A' ? { elementOid: Number(t.element) } : {}),
      ...(t.base !== null ? { baseOid: Number(t.base) } : {}),
    });
  }
  const columnsOf = new Map<string, CatalogColumn[]>();
  for (const c of columns) {
    const list = columnsOf.get(c.rel) ?? [];
    list.push({ name: c.name, declared: c.declared, typeOid: Number(c.type) });
    columnsOf.set(c.rel, list);
  }
  const keyOf = new Map<string, string[]>();
  for (const k of keys) if (!keyOf.has(k.rel)) keyOf.set(k.rel, k.columns);
  return {
    tables: tables.map((t) => ({
      schema: t.schema,
      name: t.name,
      kind: t.kind,
      estimatedRows: Number(t.estimated),
      blocks: Number(t.blocks),
      columns: columnsOf.get(t.oid) ?? [],
      key: keyOf.get(t.oid) ?? [],
    })),
    types: (oid) => byOid.get(oid),
    serverVersionNum: session.serverVersionNum,
    encoding,
  };
}
