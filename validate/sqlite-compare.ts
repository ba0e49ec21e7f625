import { groupBy } from '../core/group-by.js';
import { matchRows } from './match-rows.js';
import type { Session } from '../core/session.js';
import type { SqliteFile } from '../core/sqlite-file.js';
import { quoteSqlite } from '../core/sqlite-catalog.js';
import { initialBits, shown, type CompareOptions } from './compare-table.js';
import { hashTextExtended } from './pg-hash.js';
import { tableResult, type ChangedRow, type TableResult } from './result.js';
import type { CrossTablePlan } from './sqlite-plan.js';
import type { SqliteValue } from './sqlite-forms.js';
import { maskLiteral } from './table-sql.js';
import { qualifiedName, quoteIdent } from './sql-ident.js';

/**
 * Compares a SQLite table with the PostgreSQL table it was loaded into. Each row's values are
 * turned into their portable texts (validate/sqlite-forms.ts): by Node from the file, by
 * PostgreSQL in SQL; a row's identity is `hashtextextended` of its key's texts and its digest
 * that of all its texts (Node computes it with validate/pg-hash.ts, bit for bit the server's).
 * Rows are grouped into buckets by key hash, each side counts and sums its buckets (SQLite's in
 * Node, PostgreSQL's in the server), and only the rows of buckets that differ are read again and
 * matched: missing, extra, changed with the columns whose texts differ.
 */

const KEY_SEED = 0n;
const ROW_SEED = 1n;
/** What an unreadable SQLite value hashes as: no PostgreSQL text can equal it. */
const UNREADABLE = '\u0000unreadable';

/** A value's part of a row text: `N` for NULL, else its UTF-8 length, `:`, and itself. */
const part = (text: string | null): string => (text === null ? 'N' : `${Buffer.byteLength(text, 'utf8')}:${text}`);

/** The same in SQL, over a portable text expression. */
const partSql = (expr: string): string => `coalesce(octet_length(${expr})::text || ':' || ${expr}, 'N')`;

interface SideRow {
  kh: bigint;
  h: bigint;
  texts: (string | null)[];
  shown: (string | null)[];
}

interface Digest {
  n: number;
  s: bigint;
}

/** What Node read of one SQLite row. */
function sqliteRow(plan: CrossTablePlan, values: SqliteValue[], problems: ColumnProblems): SideRow {
  const texts = plan.columns.map((c, i) => {
    const r = c.form.fromSqlite(values[i] ?? null);
    if ('unreadable' in r) {
      problems.note(c.sqlite, 'unreadable', r.unreadable);
      return UNREADABLE;
    }
    if (r.coerced) problems.note(c.sqlite, 'coerced', r.coerced);
    return r.text;
  });
  const keyText = plan.key.length > 0 ? plan.key.map((i) => part(texts[i] ?? null)).join('|') : undefined;
  const rowText = texts.map(part).join('|');
  const h = hashTextExtended(rowText, ROW_SEED);
  return { kh: keyText === undefined ? h : hashTextExtended(keyText, KEY_SEED), h, texts, shown: values.map(displaySqlite) };
}

function displaySqlite(v: SqliteValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  return String(v);
}

/** Per column: how many values were read through SQLite's affinity, or could not be read, with the first reason. */
class ColumnProblems {
  readonly seen = new Map<string, { count: number; first: string }>();
  note(column: string, kind: 'coerced' | 'unreadable', why: string): void {
    const key = `${kind}|${column}`;
    const s = this.seen.get(key);
    if (s) s.count++;
    else this.seen.set(key, { count: 1, first: why });
  }
  notes(): string[] {
    return [...this.seen].map(([key, s]) => {
      const [kind, column] = key.split('|') as [string, string];
      return kind === 'coerced'
        ? `column ${column}: ${s.count} value(s) read through SQLite's type affinity (${s.first})`
        : `column ${column}: ${s.count} value(s) with no ${'PostgreSQL'} form (${s.first}): reported as changed`;
    });
  }
}

function pgRowSql(plan: CrossTablePlan): { kh: string; h: string; texts: string[]; shown: string[]; from: string } {
  const texts = plan.columns.map((c) => `(${c.form.pgSql(quoteIdent(c.pg))})`);
  const rowText = texts.map(partSql).join(` || '|' || `);
  const keyText = plan.key.map((i) => partSql(texts[i] ?? 'NULL')).join(` || '|' || `);
  const h = `hashtextextended((${rowText}) COLLATE "C", ${ROW_SEED})`;
  return {
    h,
    kh: plan.key.length > 0 ? `hashtextextended((${keyText}) COLLATE "C", ${KEY_SEED})` : h,
    texts,
    shown: plan.columns.map((c) => `(${quoteIdent(c.pg)})::text`),
    from: `ONLY ${qualifiedName(plan.pg.schema, plan.pg.name)}`,
  };
}

/** The PostgreSQL table's digests per bucket, over the portable forms (what the file's are compared with). */
export function crossDigestSql(plan: CrossTablePlan, bits: number): string {
  const q = pgRowSql(plan);
  return `SELECT g.b::text AS b, g.n::text AS n, g.s::text AS s FROM (SELECT r.kh & ${maskLiteral(bits)} AS b, count(*) AS n, sum(r.h) AS s FROM (SELECT ${q.kh} AS kh, ${q.h} AS h FROM ${q.from}) AS r GROUP BY 1) AS g`;
}

async function pgDigests(plan: CrossTablePlan, pg: Session, bits: number): Promise<Map<string, Digest>> {
  const rows = await pg.query<{ b: string; n: string; s: string }>(crossDigestSql(plan, bits));
  return new Map(rows.map((r) => [r.b, { n: Number(r.n), s: BigInt(r.s) }]));
}

/** The file's digests per bucket, computed in Node (with the reading of each value's form). */
export function fileDigests(plan: CrossTablePlan, file: SqliteFile, bits: number, problems = new ColumnProblems()): Map<string, Digest> {
  const mask = (1n << BigInt(bits)) - 1n;
  const source = new Map<string, Digest>();
  for (const row of sqliteRows(plan, file, problems)) {
    const b = (row.kh & mask).toString();
    const d = source.get(b);
    if (d) {
      d.n++;
      d.s += row.h;
    } else source.set(b, { n: 1, s: row.h });
  }
  return source;
}

async function pgRows(plan: CrossTablePlan, pg: Session, bits: number, buckets: string[]): Promise<SideRow[]> {
  const q = pgRowSql(plan);
  const rows = await pg.query<{ kh: string; h: string; t: (string | null)[]; v: (string | null)[] }>(
    `SELECT r.kh::text AS kh, r.h::text AS h, r.t, r.v FROM (SELECT ${q.kh} AS kh, ${q.h} AS h, ARRAY[${q.texts.join(', ')}]::text[] AS t, ARRAY[${q.shown.join(', ')}]::text[] AS v FROM ${q.from}) AS r WHERE (r.kh & ${maskLiteral(bits)}) = ANY ($1::int8[])`,
    [buckets],
  );
  return rows.map((r) => ({ kh: BigInt(r.kh), h: BigInt(r.h), texts: r.t, shown: r.v }));
}

function* sqliteRows(plan: CrossTablePlan, file: SqliteFile, problems: ColumnProblems): Generator<SideRow> {
  const stmt = file.db.prepare(`SELECT ${plan.columns.map((c) => quoteSqlite(c.sqlite)).join(', ')} FROM ${quoteSqlite(plan.sqlite.name)}`).raw(true).safeIntegers(true);
  for (const values of stmt.iterate() as Iterable<SqliteValue[]>) yield sqliteRow(plan, values, problems);
}

export async function compareCrossTable(plan: CrossTablePlan, file: SqliteFile, pg: Session, options: CompareOptions): Promise<TableResult> {
  const started = performance.now();
  const { n: sqliteCount } = file.db.prepare(`SELECT count(*) AS n FROM ${quoteSqlite(plan.sqlite.name)}`).get() as { n: number };
  const bits = initialBits(Math.max(sqliteCount, plan.pg.estimatedRows), options.rowsPerBucket);
  const mask = (1n << BigInt(bits)) - 1n;
  const problems = new ColumnProblems();
  // The server computes its digests while Node reads the file (which holds the event loop).
  const targetDigests = pgDigests(plan, pg, bits);
  targetDigests.catch(() => {});
  const source = fileDigests(plan, file, bits, problems);
  const target = await targetDigests;
  const differing = new Set<string>();
  for (const b of new Set([...source.keys(), ...target.keys()])) {
    const [s, t] = [source.get(b), target.get(b)];
    if (!s || !t || s.n !== t.n || s.s !== t.s) differing.add(b);
  }
  const total = (m: Map<string, Digest>): number => [...m.values()].reduce((n, d) => n + d.n, 0);
  const keyNames = plan.key.map((i) => plan.columns[i]?.pg ?? '');
  const result = tableResult({
    schema: plan.pg.schema,
    name: plan.pg.name,
    status: 'equal',
    key: keyNames,
    localised: plan.key.length > 0,
    sourceRows: total(source),
    targetRows: total(target),
    buckets: { total: new Set([...source.keys(), ...target.keys()]).size, differing: differing.size },
  });
  if (differing.size > 0) {
    const s: SideRow[] = [];
    for (const row of sqliteRows(plan, file, new ColumnProblems())) if (differing.has((row.kh & mask).toString())) s.push(row);
    const t = await pgRows(plan, pg, bits, [...differing]);
    match(plan, s, t, result, options);
  }
  result.notes.push(...plan.notes, ...problems.notes());
  if (result.missing + result.extra + result.changed > 0 || plan.notes.some((n) => n.includes('not compared'))) result.status = 'different';
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

/** Rows of the differing buckets matched by key (a key value held twice by content), or as a multiset without a key. */
function match(plan: CrossTablePlan, sourceRows: SideRow[], targetRows: SideRow[], result: TableResult, options: CompareOptions): void {
  const key = (r: SideRow): Record<string, string | null> => Object.fromEntries(plan.key.map((i) => [plan.columns[i]?.pg ?? '', r.texts[i] ?? null]));
  const values = (r: SideRow): TableResult['multisetRows'][number]['values'] => Object.fromEntries(plan.columns.map((c, i) => [c.pg, shown(r.shown[i], options)]));
  const list = <T>(rows: T[], item: T): void => {
    if (rows.length < options.maxListed) rows.push(item);
  };
  if (plan.key.length === 0) {
    const [s, t] = [groupBy(sourceRows, (r) => r.h), groupBy(targetRows, (r) => r.h)];
    for (const h of new Set([...s.keys(), ...t.keys()])) {
      const [a = [], b = []] = [s.get(h), t.get(h)];
      if (a.length === b.length) continue;
      if (a.length > b.length) result.missing += a.length - b.length;
      else result.extra += b.length - a.length;
      const sample = a[0] ?? b[0];
      if (sample) list(result.multisetRows, { values: values(sample), sourceCount: a.length, targetCount: b.length });
    }
    return;
  }
  const m = matchRows(sourceRows, targetRows, (r) => r.kh, (r) => r.h);
  result.missing += m.missing.length;
  for (const x of m.missing) list(result.missingRows, { key: key(x) });
  result.extra += m.extra.length;
  for (const y of m.extra) list(result.extraRows, { key: key(y) });
  result.changed += m.changed.length;
  for (const [x, y] of m.changed) {
    const columns: ChangedRow['columns'] = [];
    plan.columns.forEach((c, i) => {
      if (x.texts[i] !== y.texts[i]) columns.push({ column: c.pg, source: shown(x.shown[i], options), target: shown(y.shown[i], options) });
    });
    list(result.changedRows, { key: key(x), columns });
  }
}
