import type { Session } from '../../core/session.js';
import { userRelation } from './filters.js';
import { fingerprint } from './fingerprint.js';

/** A column as the inventory keeps it; flags are present only when set, to keep snapshots small. */
export interface ColumnInfo {
  name: string;
  /** `format_type`, e.g. `character varying(20)`, `vector(3)`. */
  type: string;
  notNull?: true;
  default?: string;
  /** `a` (always) or `d` (by default) for identity columns. */
  identity?: string;
  /** `s` for stored generated columns. */
  generated?: string;
}

export interface TableInfo {
  kind: 'table' | 'partitioned table' | 'foreign table';
  persistence: 'permanent' | 'unlogged';
  /** The parent when the table is a partition. */
  partitionOf?: string;
  columns: ColumnInfo[];
  fp: string;
}

const KINDS: Record<string, TableInfo['kind']> = { r: 'table', p: 'partitioned table', f: 'foreign table' };

/** Tables with their columns, keyed by quoted qualified name, from two set-based queries. */
export async function collectTables(db: Session): Promise<Record<string, TableInfo>> {
  const tables = await db.query<{ oid: number; name: string; relkind: string; relpersistence: string; parent: string | null }>(
    `SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name, c.relkind, c.relpersistence,
            (SELECT format('%I.%I', pn.nspname, pc.relname)
               FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE c.relispartition AND i.inhrelid = c.oid) AS parent
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f') AND ${userRelation('c', 'n')}
      ORDER BY 2`,
  );
  const columns = await db.query<{
    oid: number;
    name: string;
    type: string;
    notnull: boolean;
    def: string | null;
    identity: string;
    generated: string;
  }>(
    `SELECT a.attrelid AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(ad.adbin, ad.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND ${userRelation('c', 'n')}
      ORDER BY a.attrelid, a.attnum`,
  );
  const byTable = new Map<number, ColumnInfo[]>();
  for (const c of columns) {
    const column: ColumnInfo = { name: c.name, type: c.type };
    if (c.notnull) column.notNull = true;
    if (c.def !== null) column.default = c.def;
    if (c.identity) column.identity = c.identity;
    if (c.generated) column.generated = c.generated;
    const list = byTable.get(c.oid) ?? [];
    list.push(column);
    byTable.set(c.oid, list);
  }
  const result: Record<string, TableInfo> = {};
  for (const t of tables) {
    const info: Omit<TableInfo, 'fp'> = {
      kind: KINDS[t.relkind] ?? 'table',
      persistence: t.relpersistence === 'u' ? 'unlogged' : 'permanent',
      ...(t.parent ? { partitionOf: t.parent } : {}),
      columns: byTable.get(t.oid) ?? [],
    };
    result[t.name] = { ...info, fp: fingerprint(info.kind, info.persistence, info.partitionOf, info.columns) };
  }
  return result;
}
