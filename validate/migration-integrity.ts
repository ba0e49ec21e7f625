import { inSavepoint, trySqlite, type MigrationContext } from './migration-context.js';
import type { MigrationIntegrity } from './migration-result.js';

/** Problems of the file listed; quick_check stops after this many. */
const PROBLEMS_LISTED = 10;

/**
 * Corruption, the matrix's "roll back at once": SQLite's `PRAGMA quick_check` of the file (every
 * page and record read, read-only; the slower index-content cross-check of integrity_check left
 * out), and the target database's data-checksum failures (pg_stat_database, PostgreSQL 12+),
 * which have no figure when the cluster runs without data checksums.
 */
export async function checkIntegrity(ctx: MigrationContext): Promise<MigrationIntegrity> {
  const quick = trySqlite(() => ctx.file.db.prepare(`PRAGMA quick_check(${PROBLEMS_LISTED})`).pluck().all().map(String));
  const pg = await inSavepoint(ctx, () =>
    ctx.pg.query<{ checksums: string; failures: string | null }>(`SELECT current_setting('data_checksums') AS checksums, (SELECT checksum_failures FROM pg_stat_database WHERE datname = current_database()) AS failures`),
  );
  const row = pg.ok ? pg.value[0] : undefined;
  return {
    sqlite: quick.ok ? { ok: quick.value.length === 1 && quick.value[0] === 'ok', problems: quick.value.filter((p) => p !== 'ok') } : { ok: null, problems: [], error: quick.error },
    postgres: pg.ok
      ? { checksums: row?.checksums === 'on', checksumFailures: row?.failures === null || row?.failures === undefined ? null : Number(row.failures) }
      : { checksums: null, checksumFailures: null, error: pg.error },
  };
}
