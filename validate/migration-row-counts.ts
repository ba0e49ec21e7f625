import { quoteSqlite } from '../core/sqlite-catalog.js';
import { mismatchPct } from './migration-figures.js';
import { fromTable, inSavepoint, tableName, targetTable, trySqlite, type MigrationContext } from './migration-context.js';
import type { MigrationTableCount } from './migration-result.js';
import type { TableResult, ValidationResult } from './result.js';
import { qualifiedName } from './sql-ident.js';

/**
 * The rows of each SQLite table on both sides: the validation's counts where it compared the
 * table (they were read in its snapshot), else count(*) on both sides here. A table the target
 * lacks counts as 0 rows there, so its mismatch is 100% of a non-empty table.
 */
export async function countTables(ctx: MigrationContext, validation: ValidationResult): Promise<MigrationTableCount[]> {
  const out: MigrationTableCount[] = [];
  for (const s of ctx.sqlite.tables) {
    const t = targetTable(ctx, s.name);
    const name = t ? tableName(t) : `${ctx.schema}.${s.name}`;
    const compared = validation.tables.find((r) => r.table === name && counted(r));
    if (compared?.sourceRows !== undefined && compared.targetRows !== undefined) {
      out.push({ table: name, sqliteTable: s.name, sqliteRows: compared.sourceRows, postgresRows: compared.targetRows, mismatchPct: mismatchPct(compared.sourceRows, compared.targetRows), countedBy: 'validation' });
      continue;
    }
    const sqlite = trySqlite(() => Number((ctx.file.db.prepare(`SELECT count(*) AS n FROM ${quoteSqlite(s.name)}`).get() as { n: number | bigint }).n));
    if (!t) {
      const rows = sqlite.ok ? sqlite.value : null;
      out.push({ table: name, sqliteTable: s.name, sqliteRows: rows, postgresRows: null, mismatchPct: rows === null ? null : mismatchPct(rows, 0), countedBy: 'count', absentOnTarget: true, ...(sqlite.ok ? {} : { error: sqlite.error }) });
      continue;
    }
    const pg = await inSavepoint(ctx, async () => {
      const [row] = await ctx.pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${fromTable(t, qualifiedName(t.schema, t.name))}`);
      return Number(row?.n);
    });
    const error = !sqlite.ok ? sqlite.error : !pg.ok ? pg.error : undefined;
    const a = sqlite.ok ? sqlite.value : null;
    const b = pg.ok ? pg.value : null;
    out.push({ table: name, sqliteTable: s.name, sqliteRows: a, postgresRows: b, mismatchPct: a !== null && b !== null ? mismatchPct(a, b) : null, countedBy: 'count', ...(error ? { error } : {}) });
  }
  return out;
}

/** A table the validation read on both sides (its counts are exact). */
function counted(r: TableResult): boolean {
  return r.status === 'equal' || r.status === 'different';
}
