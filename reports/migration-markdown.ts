import type { MigrationResult } from '../validate/migration-result.js';
import { escapeMarkdown as md } from './escape.js';

/** The rollback matrix's figures as a short Markdown table: one line per measured thing (for summary.md and PR comments). */
export function migrationMarkdown(result: MigrationResult): string {
  const rows: string[][] = [
    ...result.tables.map((t) => ['rows', t.table, `${t.sqliteRows ?? '—'} → ${t.absentOnTarget ? 'absent' : (t.postgresRows ?? '—')}`, t.mismatchPct === null ? 'not counted' : `${Math.round(t.mismatchPct * 10_000) / 10_000}% mismatch`]),
    ...result.foreignKeys.map((k) => ['foreign key', `${k.table} (${k.columns.join(', ')}) → ${k.references}`, k.orphans === null ? 'not checked' : `${k.orphans} orphans`, k.orphanKeys.slice(0, 3).map((r) => Object.values(r).join('/')).join(', ')]),
    ...result.required.map((c) => ['required', `${c.table}.${c.column}`, c.nulls === null ? 'not counted' : `${c.nulls} NULLs`, c.origin === 'spec' ? 'spec' : 'NOT NULL in SQLite']),
    ...result.queries.map((q) => ['latency', q.name, `${q.sqlite.medianMs ?? '—'} ms → ${q.postgres.medianMs ?? '—'} ms`, q.ratio === null ? 'no ratio' : `${q.ratio}×`]),
    ...result.search.map((s) => ['search', s.name, s.overlap === null ? 'not compared' : `overlap ${Math.round(s.overlap * 10_000) / 10_000}`, `top-${s.k} ${s.topKAgreement === null ? '—' : Math.round(s.topKAgreement * 10_000) / 10_000}`]),
    ...(result.integrity
      ? [
          ['corruption', 'SQLite quick_check', result.integrity.sqlite.ok === null ? 'not checked' : result.integrity.sqlite.ok ? 'ok' : 'corrupt', result.integrity.sqlite.problems.slice(0, 1).join('')],
          ['corruption', 'PostgreSQL checksums', result.integrity.postgres.checksums ? `${result.integrity.postgres.checksumFailures ?? 0} failures` : result.integrity.postgres.checksums === false ? 'checksums off' : 'not checked', ''],
        ]
      : []),
  ];
  if (rows.length === 0) return '_Migration: nothing measured._\n';
  return ['| Part | Object | SQLite → PostgreSQL | Figure |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.map(md).join(' | ')} |`)].join('\n') + '\n';
}
