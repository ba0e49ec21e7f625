import { CutoverError } from '../core/errors.js';
import { summariseTables, tableResult, type TableResult, type ValidationResult } from './result.js';
import { qualifiedName } from './sql-ident.js';
import { DIGEST_FORMAT, type StoredDigests, type TableDigests } from './stored-digests.js';

/** Differing buckets named per table (the count stays exact). */
const MAX_BUCKETS_LISTED = 100;

/**
 * Compares digests stored before an in-place upgrade with the same buckets recomputed after it.
 * The old rows are gone, so differences are localised to buckets, not rows: each differing
 * bucket is named in the table's notes with its row counts before and after. The row counts of
 * the result are lower bounds: per differing bucket, rows fewer after count as `missing`, rows
 * more as `extra`, and a bucket with as many rows but another digest as one `changed` (at least
 * one row of it changed). `outcome` is `different` when any bucket or table differs.
 */
export function compareDigests(before: StoredDigests, after: StoredDigests): ValidationResult {
  for (const [which, d] of [['before', before], ['after', after]] as const) {
    if ((d.format ?? DIGEST_FORMAT) !== DIGEST_FORMAT) {
      throw new CutoverError('usage', `digests ${which} the upgrade are of format ${d.format}, this cutover computes format ${DIGEST_FORMAT}: they hash rows differently and cannot be compared`);
    }
  }
  const afterByTable = new Map(after.tables.map((t) => [t.table, t]));
  const tables: TableResult[] = [];
  for (const b of before.tables) {
    const a = afterByTable.get(b.table);
    afterByTable.delete(b.table);
    tables.push(a ? compareTable(b, a) : oneSided(b, 'missing after the upgrade', 'source'));
  }
  for (const a of afterByTable.values()) tables.push(oneSided(a, 'only after the upgrade (no digests stored before it)', 'target'));
  tables.sort((x, y) => (x.table < y.table ? -1 : x.table > y.table ? 1 : 0));
  const summary = summariseTables(tables);
  const startedAt = after.takenAt;
  return {
    source: { endpoint: before.endpoint, version: before.version },
    target: { endpoint: after.endpoint, version: after.version },
    startedAt,
    durationMs: after.durationMs,
    tables,
    summary,
    outcome: summary.different + summary.missing > 0 ? 'different' : summary.errors > 0 ? 'incomplete' : 'equal',
  };
}


function emptyResult(t: TableDigests): TableResult {
  // Localised to buckets, not to keys.
  return tableResult({ schema: t.schema, name: t.name, status: 'equal', key: t.key, localised: false });
}

function oneSided(t: TableDigests, reason: string, side: 'source' | 'target'): TableResult {
  return { ...emptyResult(t), status: 'missing', reason, ...(side === 'source' ? { sourceRows: t.rows } : { targetRows: t.rows }), durationMs: t.durationMs };
}

function compareTable(b: TableDigests, a: TableDigests): TableResult {
  const result: TableResult = { ...emptyResult(b), durationMs: a.durationMs };
  if (b.reason || a.reason) {
    return { ...result, status: 'error', reason: [b.reason && `before: ${b.reason}`, a.reason && `after: ${a.reason}`].filter(Boolean).join('; ') };
  }
  if (a.bits !== b.bits) {
    return { ...result, status: 'error', reason: `the digests after the upgrade have ${2 ** a.bits} buckets, those stored before ${2 ** b.bits}: not the same buckets` };
  }
  result.sourceRows = b.rows;
  result.targetRows = a.rows;
  const values = [...new Set([...Object.keys(b.buckets), ...Object.keys(a.buckets)])].sort((x, y) => Number(BigInt(x) - BigInt(y)));
  const differing: string[] = [];
  let differingCount = 0;
  for (const v of values) {
    const [nb, sb] = b.buckets[v] ?? [0, '0'];
    const [na, sa] = a.buckets[v] ?? [0, '0'];
    if (nb === na && sb === sa) continue;
    differingCount++;
    if (na < nb) result.missing += nb - na;
    else if (na > nb) result.extra += na - nb;
    else result.changed += 1;
    if (differing.length < MAX_BUCKETS_LISTED) differing.push(`bucket ${v} of ${2 ** b.bits}: ${nb} row${nb === 1 ? '' : 's'} before, ${na} after, ${nb === na ? 'contents differ' : 'counts differ'}`);
  }
  result.buckets = { total: 2 ** b.bits, differing: differingCount };
  if (result.buckets.differing === 0) return result;
  result.status = 'different';
  result.notes.push(
    `compared by per-bucket digests stored before the upgrade (the old rows are gone): differences are localised to buckets of about ${Math.ceil(b.rows / 2 ** b.bits)} rows, and the row counts are lower bounds`,
    ...differing,
  );
  if (result.buckets.differing > differing.length) result.notes.push(`… and ${result.buckets.differing - differing.length} more differing buckets`);
  if (a.bucketWhere) result.notes.push(`a bucket's rows now: SELECT * FROM ${qualifiedName(a.schema, a.name)} AS t WHERE ${a.bucketWhere} (under cutover validate's session settings)`);
  return result;
}

