import type { Finding } from '../checks/finding.js';
import type { ErrorInfo } from '../core/errors.js';
import type { MigrationForeignKey, MigrationIntegrity, MigrationQuery, MigrationRequiredColumn, MigrationResult, MigrationSearch, MigrationTableCount, MigrationTimings } from '../validate/migration-result.js';
import { escapeHtml as h } from './escape.js';
import { noteHtml, sectionHtml } from './sections/section.js';

/** Finding ids as migrationFindings() builds them (validate/migration-findings.ts). */
const ids = {
  rowCount: (t: MigrationTableCount) => `migration/${t.table}/row-count`,
  foreignKey: (k: MigrationForeignKey) => `migration/${k.table}/foreign-key/${k.name}`,
  nulls: (c: MigrationRequiredColumn) => `migration/${c.table}.${c.column}/nulls`,
  latency: (q: MigrationQuery) => `migration/query/${q.name}/latency`,
  search: (s: MigrationSearch) => `migration/search/${s.name}`,
  integrity: (side: 'sqlite' | 'postgres') => `migration/integrity/${side}`,
};

/**
 * The rollback matrix of a move off SQLite as an HTML section: one table per part (row counts,
 * foreign-key orphans, NULLs in required columns, query latency with the PostgreSQL plan folded
 * under each query, search parity, corruption), each row beside the severity of the finding its figure
 * decided. Everything from a database is escaped.
 */
export function migrationSectionHtml(result: MigrationResult, findings: readonly Finding[]): string {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const badge = (id: string): string => {
    const f = byId.get(id);
    return f ? `<span class="badge sev-${h(f.severity)}" title="${h(f.message)}">${h(f.severity)}</span>` : '<span class="muted">ok</span>';
  };
  const body = [
    `<p class="muted">Measured in ${h(result.durationMs.toLocaleString('en-US'))} ms, read-only on both sides. ${h(summary(findings))}</p>`,
    part('Rows per table', result.tables, ['Table', 'SQLite rows', 'PostgreSQL rows', 'Mismatch', 'Finding'], (t) => [
      mono(t.table),
      num(t.sqliteRows),
      t.absentOnTarget ? '<span class="muted">not on the target</span>' : num(t.postgresRows),
      `<td class="num">${t.mismatchPct === null ? dash() : h(`${round(t.mismatchPct, 4)}%`)}${errorNote(t.error)}</td>`,
      `<td>${badge(ids.rowCount(t))}</td>`,
    ]),
    part('Foreign keys on the target', result.foreignKeys, ['Table', 'Foreign key', 'References', 'Orphan rows', 'First orphans', 'Finding'], (k) => [
      mono(k.table),
      `<td class="mono">${h(`(${k.columns.join(', ')})`)}${k.origin === 'target-not-valid' ? ` ${h(k.name)} <span class="muted">NOT VALID</span>` : ''}</td>`,
      mono(`${k.references}(${k.referencedColumns.join(', ')})`),
      `<td class="num">${k.orphans === null ? dash() : h(k.orphans.toLocaleString('en-US'))}${errorNote(k.error)}</td>`,
      `<td class="mono">${k.orphanKeys.map((r) => h(Object.entries(r).map(([c, v]) => `${c}=${v ?? 'NULL'}`).join(', '))).join('<br>')}</td>`,
      `<td>${badge(ids.foreignKey(k))}</td>`,
    ]),
    part('NULLs in required columns', result.required, ['Column', 'Required by', 'NULL rows', 'Finding'], (c) => [
      mono(`${c.table}.${c.column}`),
      `<td>${c.origin === 'sqlite-not-null' ? 'NOT NULL in SQLite' : 'the spec'}</td>`,
      `<td class="num">${c.nulls === null ? dash() : h(c.nulls.toLocaleString('en-US'))}${errorNote(c.error)}</td>`,
      `<td>${badge(ids.nulls(c))}</td>`,
    ]),
    part('Query latency (median, ms)', result.queries, ['Query', 'SQLite', 'PostgreSQL', 'Ratio', 'Finding'], (q) => [
      `<td class="mono">${h(q.name)}${explainHtml(q)}</td>`,
      timingHtml(q.sqlite),
      timingHtml(q.postgres),
      `<td class="num">${q.ratio === null ? dash() : h(`${round(q.ratio, 3)}×`)}</td>`,
      `<td>${badge(ids.latency(q))}</td>`,
    ]),
    part('Search parity', result.search, ['Search', 'Overlap', `Top-k agreement`, 'Same rank', 'Ids (SQLite / PostgreSQL)', 'First k ids', 'Finding'], (s) => [
      mono(s.name),
      `<td class="num">${s.overlap === null ? dash() : h(`${round(s.overlap, 4)} (${s.shared} of ${s.union})`)}${errorNote(s.sqliteError)}${errorNote(s.postgresError)}</td>`,
      `<td class="num">${s.topKAgreement === null ? dash() : h(`${round(s.topKAgreement, 4)} (k=${s.k})`)}</td>`,
      `<td class="num">${s.rankAgreement === null ? dash() : h(round(s.rankAgreement, 4))}</td>`,
      `<td class="num">${h(`${s.sqliteCount} / ${s.postgresCount}`)}</td>`,
      `<td class="mono">SQLite: ${h(s.sqliteTopK.join(', '))}<br>PostgreSQL: ${h(s.postgresTopK.join(', '))}</td>`,
      `<td>${badge(ids.search(s))}</td>`,
    ]),
    ...(result.integrity ? [integrityHtml(result.integrity, badge)] : []),
  ];
  return sectionHtml('migration', 'Migration (rollback matrix)', body.join('\n'), 'migration');
}

function part<T>(title: string, items: readonly T[], headers: string[], cells: (item: T) => string[]): string {
  const head = `<h3>${h(title)}</h3>`;
  if (items.length === 0) return `${head}\n${noteHtml('Nothing to measure.')}`;
  return `${head}
<table class="migration-part">
<thead><tr>${headers.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead>
<tbody>
${items.map((item) => `<tr>${cells(item).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}

function integrityHtml(x: MigrationIntegrity, badge: (id: string) => string): string {
  const s = x.sqlite;
  const p = x.postgres;
  const sqlite = s.ok === null ? dash() : s.ok ? 'ok' : h(s.problems.join('; '));
  const postgres = p.checksums === null ? dash() : !p.checksums ? '<span class="muted">data checksums off: no figure</span>' : h(`${(p.checksumFailures ?? 0).toLocaleString('en-US')} checksum failures`);
  return part('Corruption', [
    ['SQLite file (PRAGMA quick_check)', `${sqlite}${errorNote(s.error)}`, badge(ids.integrity('sqlite'))],
    ['PostgreSQL database (pg_stat_database)', `${postgres}${errorNote(p.error)}`, badge(ids.integrity('postgres'))],
  ], ['Side', 'Figure', 'Finding'], ([side, figure, finding]) => [`<td>${h(side)}</td>`, `<td>${figure}</td>`, `<td>${finding}</td>`]);
}

function summary(findings: readonly Finding[]): string {
  const n = (s: Finding['severity']): number => findings.filter((f) => f.severity === s).length;
  return `Findings: ${n('fail')} fail, ${n('warn')} warn, ${n('info')} info.`;
}

function timingHtml(t: MigrationTimings): string {
  const range = t.minMs !== null && t.maxMs !== null ? ` <span class="muted">(${h(round(t.minMs, 3))}–${h(round(t.maxMs, 3))}, ${h(t.runs)} runs)</span>` : ` <span class="muted">(${h(t.runs)} runs)</span>`;
  return `<td class="num">${t.medianMs === null ? dash() : h(round(t.medianMs, 3))}${range}${errorNote(t.error)}</td>`;
}

function explainHtml(q: MigrationQuery): string {
  if (q.explain !== undefined) return `<details><summary>EXPLAIN ANALYZE</summary><pre>${h(q.explain)}</pre></details>`;
  return q.explainError ? errorNote(q.explainError) : '';
}

function errorNote(error: ErrorInfo | undefined): string {
  return error ? `<div class="muted">${h(error.message.split('\n')[0])}</div>` : '';
}

function mono(text: string): string {
  return `<td class="mono">${h(text)}</td>`;
}

function num(n: number | null): string {
  return `<td class="num">${n === null ? dash() : h(n.toLocaleString('en-US'))}</td>`;
}

function dash(): string {
  return '<span class="muted">—</span>';
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
