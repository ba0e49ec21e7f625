import { CutoverError, errorInfo } from '../core/errors.js';
import { type Endpoint, type PublicEndpoint, publicEndpoint } from '../core/endpoint.js';
import { readCatalog } from './catalog.js';
import { DEFAULT_EXCLUDED_SCHEMAS, DEFAULT_JOBS } from './run-validation.js';
import { openSideSessions } from './side-sessions.js';
import { type SideReader, sliceDigests } from './slice-scan.js';
import { qualifiedName } from './sql-ident.js';
import { planValidation, type TablePlan } from './table-plan.js';
import type { TablePattern } from './table-patterns.js';
import { bucketDigestSql, keyHashSql, maskLiteral } from './table-sql.js';

/**
 * Per-bucket digests of one side, to be stored before an in-place upgrade (which leaves no old
 * server to compare with) and recomputed afterwards on the same buckets. A bucket is the set of
 * keys whose key hash has given low bits (validate/table-sql.ts), so it is defined by the key
 * alone and the same rows fall in it before and after; each holds a row count and the exact sum
 * of its rows' hashes over their canonical forms (validate/canonical.ts).
 */

/** Rows per stored bucket aimed at: compact (a 10M-row table stores ~1,000 buckets). */
export const DIGEST_ROWS_PER_BUCKET = 10_000;
/** At most 2^16 buckets per table stored. */
const MAX_DIGEST_BITS = 16;

/** One table's stored digests. */
export interface TableDigests {
  /** `schema.name`. */
  table: string;
  schema: string;
  name: string;
  /** Key columns; empty: no key, rows bucketed by their own hash (a change then moves a row to another bucket). */
  key: string[];
  /** Bits of the key hash that name a bucket (`2^bits` buckets). */
  bits: number;
  rows: number;
  /** Per bucket (the key hash's low bits, as decimal text): `[rows, sum of row hashes]`; empty buckets absent. */
  buckets: Record<string, [number, string]>;
  /** The SQL condition that selects one bucket's rows (`$1` the bucket), under validation's session settings. */
  bucketWhere?: string;
  /** Why the table could not be digested (then `buckets` is empty). */
  reason?: string;
  durationMs: number;
}

/**
 * The version of the digests' definition (the canonical forms, the row hash, the buckets): digests
 * of another version hash the same rows differently and cannot be compared. Raised with any change
 * of validate/canonical.ts, row-hash.ts or the bucket SQL that changes a digest.
 */
export const DIGEST_FORMAT = 1;

/** Every table's digests on one server at one moment (one REPEATABLE READ snapshot). */
export interface StoredDigests {
  kind: 'cutover.data-digests';
  /** DIGEST_FORMAT of the cutover that computed them (absent: before it was recorded). */
  format?: number;
  takenAt: string;
  endpoint: PublicEndpoint;
  version: string;
  rowsPerBucket: number;
  tables: TableDigests[];
  durationMs: number;
}

export interface ComputeDigestsOptions {
  endpoint: Endpoint;
  tables?: readonly TablePattern[];
  exclude?: readonly TablePattern[];
  /** Default the soak's own `cutover` (its ledger covers it). */
  excludeSchemas?: readonly string[];
  /** Default DIGEST_ROWS_PER_BUCKET. */
  rowsPerBucket?: number;
  /** Sessions sharing the snapshot, between which each large table's scan is split; default validate's (2). */
  jobs?: number;
  /** The stored digests to recompute: each table they hold gets the same buckets (its `bits`). */
  like?: StoredDigests;
  statementTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Computes per-bucket digests of every selected table of one database, read-only, inside one
 * REPEATABLE READ READ ONLY transaction: one scan per table. A table that cannot be digested
 * (permission denied, a column without a canonical form) carries its reason; the others go on.
 * Failing to connect, or the session itself failing, throws.
 */
export async function computeDigests(options: ComputeDigestsOptions): Promise<StoredDigests> {
  const started = performance.now();
  const takenAt = new Date().toISOString();
  const rowsPerBucket = options.rowsPerBucket ?? options.like?.rowsPerBucket ?? DIGEST_ROWS_PER_BUCKET;
  await using side = await openSideSessions(
    options.endpoint,
    { statementTimeoutMs: options.statementTimeoutMs ?? 3_600_000, lockTimeoutMs: 2_000, applicationName: 'cutover digests' },
    options.jobs ?? DEFAULT_JOBS,
  );
  const session = side.sessions[0];
  const closeOnAbort = (): void => void side.close();
  options.signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    const catalog = await readCatalog(session, options.excludeSchemas ?? DEFAULT_EXCLUDED_SCHEMAS);
    // One side paired with itself: every column gets this server's canonical form ('source').
    const plan = planValidation(catalog, catalog, options.tables ?? [], options.exclude ?? []);
    const storedBits = new Map((options.like?.tables ?? []).map((t) => [t.table, t.bits]));
    const tables: TableDigests[] = plan.unplanned.map((u) => ({ table: `${u.schema}.${u.name}`, schema: u.schema, name: u.name, key: [], bits: 0, rows: 0, buckets: {}, reason: u.reason, durationMs: 0 }));
    for (const table of plan.tables) {
      options.signal?.throwIfAborted();
      tables.push(await digestWithSavepoint(side, table, storedBits.get(`${table.schema}.${table.name}`), rowsPerBucket));
    }
    await everySession(side, 'COMMIT').catch(() => {});
    tables.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
    return {
      kind: 'cutover.data-digests',
      format: DIGEST_FORMAT,
      takenAt,
      endpoint: publicEndpoint(options.endpoint),
      version: session.serverVersion,
      rowsPerBucket,
      tables,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', closeOnAbort);
  }
}

/** Bits for about `rowsPerBucket` rows per bucket. */
export function digestBits(rows: number, rowsPerBucket: number): number {
  return Math.min(MAX_DIGEST_BITS, Math.ceil(Math.log2(Math.max(1, rows / rowsPerBucket))));
}

async function everySession(side: SideReader, sql: string): Promise<void> {
  await Promise.all(side.sessions.map((s) => s.query(sql)));
}

async function digestWithSavepoint(side: SideReader, plan: TablePlan, storedBits: number | undefined, rowsPerBucket: number): Promise<TableDigests> {
  const t0 = performance.now();
  const base = { table: `${plan.schema}.${plan.name}`, schema: plan.schema, name: plan.name, key: plan.key };
  const session = side.sessions[0];
  await everySession(side, 'SAVEPOINT cutover_digest');
  try {
    let bits = storedBits;
    if (bits === undefined) {
      // A table never analysed has no estimate: count it, so that its buckets are not one.
      const rows = plan.estimatedRows > 0 ? plan.estimatedRows : Number((await session.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${fromSql(plan)}`))[0]?.n ?? 0);
      bits = digestBits(rows, rowsPerBucket);
    }
    const digests = await sliceDigests(plan, side, 'source', (slice) => bucketDigestSql(plan, 'source', bits, undefined, slice));
    await everySession(side, 'RELEASE SAVEPOINT cutover_digest');
    const buckets: Record<string, [number, string]> = {};
    let rows = 0;
    for (const [b, d] of digests) {
      buckets[b] = [d.n, d.s];
      rows += d.n;
    }
    return { ...base, bits, rows, buckets, bucketWhere: `(${keyHashSql(plan, 'source')} & ${maskLiteral(bits)}) = $1`, durationMs: Math.round(performance.now() - t0) };
  } catch (error) {
    await everySession(side, 'ROLLBACK TO SAVEPOINT cutover_digest').catch(() => {
      throw error;
    });
    const reason = error instanceof CutoverError ? error.shortMessage : errorInfo(error).message;
    return { ...base, bits: storedBits ?? 0, rows: 0, buckets: {}, reason, durationMs: Math.round(performance.now() - t0) };
  }
}

function fromSql(plan: TablePlan): string {
  return `${plan.sourceKind === 'p' ? '' : 'ONLY '}${qualifiedName(plan.schema, plan.name)} AS t`;
}
