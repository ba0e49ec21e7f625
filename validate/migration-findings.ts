import type { Finding, FindingInput } from '../checks/finding.js';
import type { ErrorInfo } from '../core/errors.js';
import type { MigrationForeignKey, MigrationIntegrity, MigrationQuery, MigrationRequiredColumn, MigrationResult, MigrationSearch, MigrationTableCount } from './migration-result.js';
import { migrationThresholds, type MigrationSpec } from './migration-spec.js';

/** The check id of the rollback matrix's findings: `migration/...`, as gate allow-lists name them. */
export const MIGRATION_CHECK_ID = 'migration';

/** Below this search overlap the PostgreSQL search is flagged: it returns a mostly different set. */
export const SEARCH_OVERLAP_WARN_BELOW = 0.5;

/**
 * The rollback matrix as findings, each with the figure that decided it and its threshold in
 * `details`: a row-count mismatch warns up to `rowCount.failAbovePct` and fails above it; orphan
 * rows of a foreign key and NULLs in a required column fail; a query whose PostgreSQL median is
 * more than `latency.failAbovePct` slower than SQLite's fails (else an `info` with the ratio); a
 * search is `info` with its overlap, `warn` below 0.5; corruption on either side fails (a target
 * without data checksums is an `info`: there is no figure). Whatever could not be measured fails:
 * no figure is no evidence.
 */
export function migrationFindings(result: MigrationResult, spec: MigrationSpec): Finding[] {
  const t = migrationThresholds(spec);
  const inputs: FindingInput[] = [
    ...result.tables.flatMap((x) => rowCountFinding(x, t.rowCountFailAbovePct)),
    ...result.foreignKeys.flatMap(foreignKeyFinding),
    ...result.required.flatMap(nullsFinding),
    ...result.queries.map((q) => latencyFinding(q, t.latencyFailAbovePct, t.latencyMinDifferenceMs)),
    ...result.search.map(searchFinding),
    ...(result.integrity ? integrityFindings(result.integrity) : []),
  ];
  return inputs.map((f) => ({ ...f, id: `${MIGRATION_CHECK_ID}/${f.key}`, checkId: MIGRATION_CHECK_ID, source: 'evaluate' }));
}

function rowCountFinding(x: MigrationTableCount, failAbovePct: number): FindingInput[] {
  const key = `${x.table}/row-count`;
  const details = { sqliteRows: x.sqliteRows, postgresRows: x.postgresRows, mismatchPct: x.mismatchPct, failAbovePct, countedBy: x.countedBy, ...(x.absentOnTarget ? { absentOnTarget: true } : {}) };
  if (x.mismatchPct === null || x.sqliteRows === null) {
    return [{ key, severity: 'fail', message: `${x.table}: rows not counted: ${why(x.error)}`, object: x.table, details: { ...details, ...(x.error ? { error: x.error } : {}) } }];
  }
  if (x.mismatchPct === 0) return [];
  const severity = x.mismatchPct > failAbovePct ? 'fail' : 'warn';
  const target = x.absentOnTarget ? 'the table is not on PostgreSQL' : `${count(x.postgresRows ?? 0)} on PostgreSQL`;
  return [{
    key,
    severity,
    message: `${x.table}: ${count(x.sqliteRows)} ${rows(x.sqliteRows)} on SQLite, ${target}: ${pct(x.mismatchPct)} mismatch (${severity === 'fail' ? `above ${pct(failAbovePct)}: roll back` : `up to ${pct(failAbovePct)}: investigate`})`,
    object: x.table,
    details,
  }];
}

function foreignKeyFinding(k: MigrationForeignKey): FindingInput[] {
  const key = `${k.table}/foreign-key/${k.name}`;
  const what = `foreign key ${k.origin === 'sqlite' ? `(${k.columns.join(', ')})` : `${k.name} (${k.columns.join(', ')}, NOT VALID on the target)`} → ${k.references}(${k.referencedColumns.join(', ')})`;
  const details = { orphans: k.orphans, failAbove: 0, origin: k.origin, columns: k.columns, references: k.references, referencedColumns: k.referencedColumns, orphanKeys: k.orphanKeys };
  if (k.orphans === null) return [{ key, severity: 'fail', message: `${k.table}: ${what}: not checked on the target: ${why(k.error)}`, object: k.table, details: { ...details, ...(k.error ? { error: k.error } : {}) } }];
  if (k.orphans === 0) return [];
  const first = k.orphanKeys.slice(0, 3).map(keyText).join('; ');
  return [{ key, severity: 'fail', message: `${k.table}: ${count(k.orphans)} orphan ${rows(k.orphans)} on the target: ${what} has no parent row (first: ${first})`, object: k.table, details }];
}

function nullsFinding(c: MigrationRequiredColumn): FindingInput[] {
  const column = `${c.table}.${c.column}`;
  const origin = c.origin === 'sqlite-not-null' ? 'NOT NULL in SQLite' : 'required by the spec';
  const details = { nulls: c.nulls, failAbove: 0, origin: c.origin };
  if (c.nulls === null) return [{ key: `${column}/nulls`, severity: 'fail', message: `${column} (${origin}): NULLs not counted on the target: ${why(c.error)}`, object: column, details: { ...details, ...(c.error ? { error: c.error } : {}) } }];
  if (c.nulls === 0) return [];
  return [{ key: `${column}/nulls`, severity: 'fail', message: `${column} (${origin}): ${count(c.nulls)} ${rows(c.nulls)} with NULL on the target`, object: column, details }];
}

function latencyFinding(q: MigrationQuery, failAbovePct: number, minDifferenceMs: number): FindingInput {
  const key = `query/${q.name}/latency`;
  const s = q.sqlite.medianMs;
  const p = q.postgres.medianMs;
  // The larger of the two: +failAbovePct %, or +minDifferenceMs for queries too quick for a percentage to mean anything.
  const limitMs = s === null ? null : round(Math.max(s * (1 + failAbovePct / 100), s + minDifferenceMs));
  const details = { sqliteMedianMs: s, postgresMedianMs: p, ratio: q.ratio, failAbovePct, minDifferenceMs, limitMs, sqliteRuns: q.sqlite.runs, postgresRuns: q.postgres.runs };
  const failed = [q.sqlite.error ? `SQLite: ${why(q.sqlite.error)}` : '', q.postgres.error ? `PostgreSQL: ${why(q.postgres.error)}` : ''].filter(Boolean);
  if (s === null || p === null || limitMs === null || failed.length > 0) {
    const measured = `${q.sqlite.runs} ${runsWord(q.sqlite.runs)} on SQLite, ${q.postgres.runs} on PostgreSQL`;
    return { key, severity: 'fail', message: `query ${q.name}: latency not measured (${measured})${failed.length ? `: ${failed.join('; ')}` : ''}`, object: q.name, details: { ...details, ...(q.sqlite.error ? { sqliteError: q.sqlite.error } : {}), ...(q.postgres.error ? { postgresError: q.postgres.error } : {}) } };
  }
  const figures = `median ${ms(p)} on PostgreSQL, ${ms(s)} on SQLite${q.ratio === null ? '' : ` (${round(q.ratio)}×)`}`;
  if (p > limitMs) return { key, severity: 'fail', message: `query ${q.name}: ${figures}: more than ${pct(failAbovePct)} (and ${ms(minDifferenceMs)}) slower (limit ${ms(limitMs)}): roll back`, object: q.name, details };
  return { key, severity: 'info', message: `query ${q.name}: ${figures}: within ${pct(failAbovePct)} or ${ms(minDifferenceMs)} (limit ${ms(limitMs)})`, object: q.name, details };
}

function searchFinding(x: MigrationSearch): FindingInput {
  const key = `search/${x.name}`;
  const details = { overlap: x.overlap, warnBelow: SEARCH_OVERLAP_WARN_BELOW, shared: x.shared, union: x.union, k: x.k, topKAgreement: x.topKAgreement, rankAgreement: x.rankAgreement, sqliteCount: x.sqliteCount, postgresCount: x.postgresCount };
  if (x.overlap === null) {
    const failed = [x.sqliteError ? `SQLite: ${why(x.sqliteError)}` : '', x.postgresError ? `PostgreSQL: ${why(x.postgresError)}` : ''].filter(Boolean).join('; ');
    return { key, severity: 'fail', message: `search ${x.name}: not compared: ${failed || 'unknown reason'}`, object: x.name, details: { ...details, ...(x.sqliteError ? { sqliteError: x.sqliteError } : {}), ...(x.postgresError ? { postgresError: x.postgresError } : {}) } };
  }
  const figures = `overlap ${round(x.overlap)} (${x.shared} of ${x.union} ids), top-${x.k} agreement ${round(x.topKAgreement ?? 0)}, same rank ${round(x.rankAgreement ?? 0)}; ${x.sqliteCount} ids on SQLite, ${x.postgresCount} on PostgreSQL`;
  const low = x.overlap < SEARCH_OVERLAP_WARN_BELOW;
  return { key, severity: low ? 'warn' : 'info', message: `search ${x.name}: ${figures}${low ? ` (overlap below ${SEARCH_OVERLAP_WARN_BELOW}: the results mostly differ)` : ''}`, object: x.name, details };
}

function integrityFindings(x: MigrationIntegrity): FindingInput[] {
  const out: FindingInput[] = [];
  const s = x.sqlite;
  if (s.ok === null) out.push({ key: 'integrity/sqlite', severity: 'fail', message: `the SQLite file's quick_check could not run: ${why(s.error)}`, details: { ok: null, ...(s.error ? { error: s.error } : {}) } });
  else if (!s.ok) out.push({ key: 'integrity/sqlite', severity: 'fail', message: `the SQLite file is corrupt (PRAGMA quick_check: ${s.problems[0] ?? 'not ok'}${s.problems.length > 1 ? `, and ${s.problems.length - 1} more` : ''}): roll back at once`, details: { ok: false, problems: s.problems } });
  const p = x.postgres;
  const details = { checksums: p.checksums, checksumFailures: p.checksumFailures, failAbove: 0 };
  if (p.error) out.push({ key: 'integrity/postgres', severity: 'fail', message: `the target's checksum failures could not be read: ${why(p.error)}`, details: { ...details, error: p.error } });
  else if ((p.checksumFailures ?? 0) > 0) out.push({ key: 'integrity/postgres', severity: 'fail', message: `the target database has ${count(p.checksumFailures ?? 0)} data-checksum ${p.checksumFailures === 1 ? 'failure' : 'failures'} (pg_stat_database): roll back at once`, details });
  else if (p.checksums === false) out.push({ key: 'integrity/postgres', severity: 'info', message: 'the target runs without data checksums: corrupt pages would not be detected (no checksum-failure figure)', details });
  return out;
}

function why(error: ErrorInfo | undefined): string {
  return error?.message.split('\n')[0] ?? 'unknown reason';
}

function keyText(key: Record<string, string | null>): string {
  return Object.entries(key).map(([k, v]) => `${k}=${v ?? 'NULL'}`).join(', ');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function pct(n: number): string {
  return `${Math.round(n * 10_000) / 10_000}%`;
}

function ms(n: number): string {
  return `${round(n)} ms`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function rows(n: number): string {
  return n === 1 ? 'row' : 'rows';
}

function runsWord(n: number): string {
  return n === 1 ? 'run' : 'runs';
}
