import { quoteSqlite } from '../core/sqlite-catalog.js';
import type { CatalogTable } from './catalog.js';
import { fromTable, inSavepoint, tableName, targetColumn, targetTable, trySqlite, type MigrationContext } from './migration-context.js';
import type { MigrationForeignKey } from './migration-result.js';
import { qualifiedName, quoteIdent } from './sql-ident.js';

/** Orphan rows listed per foreign key; the count is exact. */
const ORPHANS_LISTED = 10;

/** A foreign key to check on the target, in PostgreSQL's names. */
interface PlannedKey {
  base: Omit<MigrationForeignKey, 'orphans' | 'orphanKeys' | 'error'>;
  child?: CatalogTable;
  parent?: CatalogTable;
  /** Why it cannot be checked (a table or column not on the target). */
  problem?: string;
}

interface SqliteForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

/**
 * Every foreign key the SQLite file declares, and every NOT VALID foreign key constraint of the
 * target schema, checked on the target by an anti-join: rows whose key columns are all non-null
 * (MATCH SIMPLE, as both engines check) with no parent row. A key the target cannot check (a
 * table or column it lacks, a type mismatch) is recorded with the reason, never passed.
 */
export async function checkForeignKeys(ctx: MigrationContext): Promise<MigrationForeignKey[]> {
  const planned = [...sqliteKeys(ctx), ...(await notValidKeys(ctx))];
  const seen = new Set<string>();
  const out: MigrationForeignKey[] = [];
  for (const k of planned) {
    // A key declared in the file and left NOT VALID on the target is checked once.
    const identity = JSON.stringify([k.base.table, k.base.columns, k.base.references, k.base.referencedColumns]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    if (k.problem !== undefined || !k.child || !k.parent) {
      out.push({ ...k.base, orphans: null, orphanKeys: [], error: { message: k.problem ?? 'not on the target' } });
      continue;
    }
    const { child, parent } = k;
    const attempt = await inSavepoint(ctx, () => countOrphans(ctx, k.base, child, parent));
    out.push(attempt.ok ? { ...k.base, ...attempt.value } : { ...k.base, orphans: null, orphanKeys: [], error: attempt.error });
  }
  return out;
}

async function countOrphans(ctx: MigrationContext, k: PlannedKey['base'], child: CatalogTable, parent: CatalogTable): Promise<Pick<MigrationForeignKey, 'orphans' | 'orphanKeys'>> {
  // The row's key: the target's, else the file's (a loader that made no keys, as pgloader does), so that orphans are told apart.
  const fileKey = (ctx.sqlite.tables.find((t) => t.name.toLowerCase() === child.name.toLowerCase())?.key ?? []).flatMap((c) => targetColumn(child, c)?.name ?? []);
  const shown = [...new Set([...(child.key.length ? child.key : fileKey), ...k.columns])];
  const select = shown.map((c, i) => `c.${quoteIdent(c)}::text AS ${quoteIdent(`k${i}`)}`).join(', ');
  const notNull = k.columns.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const join = k.columns.map((c, i) => `p.${quoteIdent(k.referencedColumns[i] ?? '')} = c.${quoteIdent(c)}`).join(' AND ');
  // count(*) OVER () is computed before LIMIT: the exact total rides on the first rows listed.
  const sql = `SELECT count(*) OVER () AS n, ${select}
FROM ${fromTable(child, qualifiedName(child.schema, child.name))} c
WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${fromTable(parent, qualifiedName(parent.schema, parent.name))} p WHERE ${join})
ORDER BY ${shown.map((c) => `c.${quoteIdent(c)}`).join(', ')} LIMIT ${ORPHANS_LISTED}`;
  const rows = await ctx.pg.query<Record<string, string | null>>(sql);
  return {
    orphans: Number(rows[0]?.n ?? 0),
    orphanKeys: rows.map((r) => Object.fromEntries(shown.map((c, i) => [c, r[`k${i}`] ?? null]))),
  };
}

/** The file's foreign keys (`PRAGMA foreign_key_list`), in the target's names. */
function sqliteKeys(ctx: MigrationContext): PlannedKey[] {
  const out: PlannedKey[] = [];
  for (const s of ctx.sqlite.tables) {
    const listed = trySqlite(() => ctx.file.db.prepare(`PRAGMA foreign_key_list(${quoteSqlite(s.name)})`).all() as SqliteForeignKeyRow[]);
    const rows = listed.ok ? listed.value : [];
    for (const id of [...new Set(rows.map((r) => r.id))].sort((a, b) => a - b)) {
      const parts = rows.filter((r) => r.id === id).sort((a, b) => a.seq - b.seq);
      const parentName = parts[0]?.table ?? '';
      // No parent columns written: the parent's primary key (https://sqlite.org/foreignkeys.html).
      const parentKey = ctx.sqlite.tables.find((t) => t.name.toLowerCase() === parentName.toLowerCase())?.key ?? [];
      const toColumns = parts.map((p, i) => p.to ?? parentKey[i] ?? '');
      const child = targetTable(ctx, s.name);
      const parent = targetTable(ctx, parentName);
      const childCols = parts.map((p) => (child ? targetColumn(child, p.from)?.name : undefined));
      const parentCols = toColumns.map((c) => (parent ? targetColumn(parent, c)?.name : undefined));
      const problems = [
        !child ? `table ${s.name} is not on the target` : '',
        !parent ? `referenced table ${parentName} is not on the target` : '',
        child ? parts.filter((_, i) => childCols[i] === undefined).map((p) => `column ${s.name}.${p.from} is not on the target`).join('; ') : '',
        parent ? toColumns.filter((_, i) => parentCols[i] === undefined).map((c) => `referenced column ${parentName}.${c || '(no primary key)'} is not on the target`).join('; ') : '',
      ].filter(Boolean);
      const columns = parts.map((p, i) => childCols[i] ?? p.from);
      out.push({
        base: {
          table: child ? tableName(child) : `${ctx.schema}.${s.name}`,
          name: columns.join(','),
          origin: 'sqlite',
          columns,
          references: parent ? tableName(parent) : `${ctx.schema}.${parentName}`,
          referencedColumns: toColumns.map((c, i) => parentCols[i] ?? c),
        },
        ...(child ? { child } : {}),
        ...(parent ? { parent } : {}),
        ...(problems.length ? { problem: problems.join('; ') } : {}),
      });
    }
  }
  return out;
}

const NOT_VALID_SQL = `
SELECT c.conname AS name, cn.nspname AS schema, cl.relname AS table, pn.nspname AS ref_schema, pl.relname AS ref_table,
  ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
  ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
JOIN pg_class pl ON pl.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pl.relnamespace
-- a partition's copy of its parent's constraint (conparentid) is checked through the parent
WHERE c.contype = 'f' AND NOT c.convalidated AND c.conparentid = 0 AND cn.nspname = $1
ORDER BY cl.relname, c.conname`;

/** The target's own foreign keys left NOT VALID (never checked against the rows already there). */
async function notValidKeys(ctx: MigrationContext): Promise<PlannedKey[]> {
  const rows = await ctx.pg.query<{ name: string; schema: string; table: string; ref_schema: string; ref_table: string; columns: string[]; ref_columns: string[] }>(NOT_VALID_SQL, [ctx.schema]);
  return rows.map((r) => {
    const child = ctx.pgCatalog.tables.find((t) => t.schema === r.schema && t.name === r.table);
    const parent = ctx.pgCatalog.tables.find((t) => t.schema === r.ref_schema && t.name === r.ref_table);
    return {
      base: { table: `${r.schema}.${r.table}`, name: r.name, origin: 'target-not-valid', columns: r.columns, references: `${r.ref_schema}.${r.ref_table}`, referencedColumns: r.ref_columns },
      ...(child ? { child } : {}),
      ...(parent ? { parent } : {}),
      ...(!child || !parent ? { problem: `a table of the constraint is outside the tables read (${r.schema}.${r.table} → ${r.ref_schema}.${r.ref_table})` } : {}),
    };
  });
}
