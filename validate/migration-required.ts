import type { CatalogTable } from './catalog.js';
import { fromTable, inSavepoint, tableName, targetColumn, targetTable, type MigrationContext } from './migration-context.js';
import type { MigrationRequiredColumn } from './migration-result.js';
import { qualifiedName, quoteIdent } from './sql-ident.js';

/**
 * Counts the NULLs on the target of every column the SQLite file declares NOT NULL and of each
 * `table.column` the spec requires, one scan per table. A required column the target lacks is
 * recorded with the reason (never passed).
 */
export async function countRequiredNulls(ctx: MigrationContext, required: readonly string[]): Promise<MigrationRequiredColumn[]> {
  const wanted: { table?: CatalogTable; entry: MigrationRequiredColumn }[] = [];
  const add = (table: CatalogTable | undefined, entry: MigrationRequiredColumn): void => {
    if (!wanted.some((w) => w.entry.table === entry.table && w.entry.column === entry.column)) wanted.push({ ...(table ? { table } : {}), entry });
  };
  for (const s of ctx.sqlite.tables) {
    const t = targetTable(ctx, s.name);
    for (const c of s.columns.filter((x) => x.notNull && !x.generated)) {
      const pc = t ? targetColumn(t, c.name) : undefined;
      const entry: MigrationRequiredColumn = { table: t ? tableName(t) : `${ctx.schema}.${s.name}`, column: pc?.name ?? c.name, origin: 'sqlite-not-null', nulls: null };
      add(pc ? t : undefined, pc ? entry : { ...entry, error: { message: t ? `column ${c.name} is not on the target` : `table ${s.name} is not on the target` } });
    }
  }
  for (const spec of required) {
    const dot = spec.indexOf('.');
    const [tableText, columnText] = [spec.slice(0, dot), spec.slice(dot + 1)];
    const t = targetTable(ctx, tableText);
    const pc = t ? targetColumn(t, columnText) : undefined;
    const entry: MigrationRequiredColumn = { table: t ? tableName(t) : `${ctx.schema}.${tableText}`, column: pc?.name ?? columnText, origin: 'spec', nulls: null };
    add(pc ? t : undefined, pc ? entry : { ...entry, error: { message: t ? `column ${columnText} is not on the target` : `table ${tableText} is not on the target` } });
  }
  for (const table of new Set(wanted.map((w) => w.table))) {
    if (!table) continue;
    const entries = wanted.filter((w) => w.table === table).map((w) => w.entry);
    const counts = entries.map((e, i) => `count(*) FILTER (WHERE ${quoteIdent(e.column)} IS NULL) AS ${quoteIdent(`c${i}`)}`).join(', ');
    const attempt = await inSavepoint(ctx, () => ctx.pg.query<Record<string, string>>(`SELECT ${counts} FROM ${fromTable(table, qualifiedName(table.schema, table.name))}`));
    entries.forEach((e, i) => {
      if (attempt.ok) e.nulls = Number(attempt.value[0]?.[`c${i}`] ?? 0);
      else e.error = attempt.error;
    });
  }
  return wanted.map((w) => w.entry);
}
