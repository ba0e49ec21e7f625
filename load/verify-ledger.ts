import { performance } from 'node:perf_hooks';
import type { Session } from '../core/session.js';
import type { WriterLedger } from './ledger-types.js';
import { EVENTS_TABLE } from './ledger-table.js';
import { LedgerExpectation, MAX_SEQ } from './ledger-expectation.js';
import { VerifyTally, emptyCounts, type FlaggedSeqs, type VerifyCounts, type VerifyIds } from './verify-tally.js';
import { sqlIdSource, type IdSource, type RangeCounts, type SeqRange } from './verify-source.js';

export type { FlaggedSeqs, VerifyCounts, VerifyIds } from './verify-tally.js';

/** Default length of each list of exact ids in a verification. */
export const DEFAULT_IDS_CAP = 1000;

/** First ranges are at most this long: most of them are explained by their counts alone. */
const BUCKET = 2 ** 16;
/** A range the counts cannot explain is cut into this many parts, all counted in one pass. */
const FANOUT = 32;
/** Ranges with at most this many distinct ids present are fetched id by id. */
const FETCH_ROWS = 2048;
/** Rows one statement may expect to read, so each statement stays short at any size. */
const ROWS_PER_STATEMENT = 2 ** 21;
/** Ranges one statement may carry. */
const RANGES_PER_STATEMENT = 4096;

export interface VerifyLedgerOptions {
  /** This run's writers (`readLedgers(ledgerDir(runDir))`). Ids of other writers are ignored. */
  ledgers: readonly WriterLedger[];
  /** A read-only session to the final writer. */
  db: Session;
  /** The soak schema. */
  schema: string;
  /** The ledgered table (default `events`). */
  table?: string;
  /** Length of each list of exact ids (default 1000; `Infinity` for all). */
  idsCap?: number;
}

/** One writer's figures. */
export interface WriterVerification extends VerifyCounts {
  writerKey: number;
  label: string;
  /** False when the writer's ledger ended without a clean close (the harness died). */
  closed: boolean;
}

/** What verification found: exact counts, exact ids (capped), per writer and in total. */
export interface LedgerVerification extends VerifyCounts {
  ids: VerifyIds;
  idsCap: number;
  /** Every lost, unexpected and duplicated seq, uncapped, one entry per writer in key order. */
  flagged: FlaggedSeqs[];
  writers: WriterVerification[];
  /** Queries run against the final writer. */
  queries: number;
  durationMs: number;
}

/**
 * Sorts every ledgered attempt of this run by what the final writer holds (DESIGN.md, "Ledger
 * and verification"). Ranges are compared by count first; only ranges whose counts the ledger
 * cannot explain are cut into parts and counted again, down to small ranges whose ids are
 * fetched: the cost follows the number of anomalies, not of events. One snapshot throughout.
 */
export async function verifyLedger(options: VerifyLedgerOptions): Promise<LedgerVerification> {
  const { db } = options;
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const result = await verifyAgainst(options.ledgers, sqlIdSource(db, options.schema, options.table ?? EVENTS_TABLE), options.idsCap);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** The verification itself, against any IdSource (a database, or a fake in unit tests). */
export async function verifyAgainst(ledgers: readonly WriterLedger[], source: IdSource, idsCap = DEFAULT_IDS_CAP): Promise<LedgerVerification> {
  const started = performance.now();
  const total: LedgerVerification = { ...emptyCounts(), ids: { lost: [], unexpected: [], duplicated: [] }, idsCap, flagged: [], writers: [], queries: 0, durationMs: 0 };
  for (const ledger of [...ledgers].sort((a, b) => a.writer.writerKey - b.writer.writerKey)) {
    const { counts, ids, flagged } = await verifyWriter(ledger, source, idsCap);
    total.flagged.push(flagged);
    total.writers.push({ writerKey: ledger.writer.writerKey, label: ledger.writer.label, closed: ledger.closed, ...counts });
    for (const key of Object.keys(counts) as (keyof VerifyCounts)[]) total[key] += counts[key];
    // Writers in key order, ids ascending within each: the lists stay ascending overall.
    for (const key of ['lost', 'unexpected', 'duplicated'] as const) {
      const room = idsCap - total.ids[key].length;
      if (room > 0) total.ids[key].push(...ids[key].slice(0, room));
    }
  }
  total.queries = source.queries;
  total.durationMs = performance.now() - started;
  return total;
}

/** One writer, level by level: count every open range, settle what counts explain, cut the rest. */
async function verifyWriter(ledger: WriterLedger, source: IdSource, idsCap: number): Promise<{ counts: VerifyCounts; ids: VerifyIds; flagged: FlaggedSeqs }> {
  const key = ledger.writer.writerKey;
  const expectation = new LedgerExpectation(ledger);
  const tally = new VerifyTally(key, idsCap);
  const weight = ([from, to]: SeqRange): number => {
    const c = expectation.composition(from, to);
    return c.ok + c.unknown + c.error + 1;
  };
  let open = initialRanges(expectation);
  while (open.length > 0) {
    const counts = await inBatches(open, weight, (batch) => source.count(key, batch));
    const toFetch: { range: SeqRange; distinct: number }[] = [];
    const next: SeqRange[] = [];
    open.forEach((range, i) => {
      const c = counts[i] ?? { rows: 0, distinct: 0 };
      if (explainedByCounts(expectation, tally, range, c)) return;
      if (c.distinct <= FETCH_ROWS || range[0] === range[1]) toFetch.push({ range, distinct: c.distinct });
      else next.push(...cut(range, FANOUT));
    });
    const ranges = toFetch.map((f) => f.range);
    const distinct = new Map(toFetch.map((f) => [f.range, f.distinct + 1]));
    const present = await inBatches(ranges, (r) => distinct.get(r) ?? 1, (batch) => source.fetch(key, batch));
    ranges.forEach((range, i) => classify(expectation, tally, range, present[i] ?? []));
    open = next;
  }
  const attempted = expectation.composition(0, expectation.attempted - 1);
  tally.counts.attempts = attempted.ok + attempted.error + attempted.unknown;
  return { counts: tally.counts, ids: tally.ids(), flagged: tally.flagged };
}

/**
 * The first ranges: long runs of one class cut into BUCKETs, runs of short segments (an
 * outage's mix of errors, unknowns and short ok runs) together up to a BUCKET, and the
 * never-attempted rest of the writer's id space as one sparse range.
 */
function initialRanges(expectation: LedgerExpectation): SeqRange[] {
  const ranges: SeqRange[] = [];
  let open: SeqRange | undefined;
  const close = (): void => {
    if (open) ranges.push(open);
    open = undefined;
  };
  for (const s of expectation.parts(0, expectation.attempted - 1)) {
    if (s.to - s.from + 1 >= BUCKET) {
      close();
      for (let from = s.from; from <= s.to; from += BUCKET) ranges.push([from, Math.min(s.to, from + BUCKET - 1)]);
    } else if (open && s.to - open[0] + 1 <= BUCKET) {
      open[1] = s.to;
    } else {
      close();
      open = [s.from, s.to];
    }
  }
  close();
  if (expectation.attempted <= MAX_SEQ) ranges.push([expectation.attempted, MAX_SEQ]);
  return ranges;
}

/** [from, to] cut into at most `parts` ranges of equal length. */
function cut([from, to]: SeqRange, parts: number): SeqRange[] {
  const width = Math.ceil((to - from + 1) / parts);
  const out: SeqRange[] = [];
  for (let a = from; a <= to; a += width) out.push([a, Math.min(to, a + width - 1)]);
  return out;
}

/** Runs `query` over consecutive batches of `items` whose weights stay within one statement's budget. */
async function inBatches<R>(items: SeqRange[], weight: (item: SeqRange) => number, query: (batch: SeqRange[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  let batch: SeqRange[] = [];
  let budget = 0;
  const run = async (): Promise<void> => {
    if (batch.length) results.push(...(await query(batch)));
    batch = [];
    budget = 0;
  };
  for (const item of items) {
    const w = weight(item);
    if (batch.length > 0 && (budget + w > ROWS_PER_STATEMENT || batch.length >= RANGES_PER_STATEMENT)) await run();
    batch.push(item);
    budget += w;
  }
  await run();
  return results;
}

/** True (and tallied) when the counts leave only one possible reading of the range. */
function explainedByCounts(expectation: LedgerExpectation, tally: VerifyTally, [from, to]: SeqRange, counts: RangeCounts): boolean {
  if (counts.rows === 0) {
    for (const p of expectation.parts(from, to)) tally.absent(p.from, p.to, p.cls);
    return true;
  }
  if (counts.rows !== counts.distinct) return false;
  const c = expectation.composition(from, to);
  if (c.error + c.never > 0) return false;
  if (counts.distinct === c.ok + c.unknown) {
    for (const p of expectation.parts(from, to)) tally.presentOnce(p.from, p.to, p.cls as 'ok' | 'unknown');
    return true;
  }
  if (c.ok === 0) {
    // Unknown outcomes only: any subset may be present, and which ones does not matter.
    tally.counts.recovered += counts.distinct;
    tally.counts.notCommitted += c.unknown - counts.distinct;
    return true;
  }
  return false;
}

/** Classifies every seq of [from, to] from the exact list of present seqs. */
function classify(expectation: LedgerExpectation, tally: VerifyTally, [from, to]: SeqRange, present: [number, number][]): void {
  let i = 0;
  for (const part of expectation.parts(from, to)) {
    let cursor = part.from;
    while (i < present.length && (present[i]?.[0] ?? Infinity) <= part.to) {
      const [seq, rows] = present[i++] as [number, number];
      if (seq < cursor) continue;
      if (seq > cursor) tally.absent(cursor, seq - 1, part.cls);
      tally.present(seq, part.cls, rows);
      cursor = seq + 1;
    }
    if (cursor <= part.to) tally.absent(cursor, part.to, part.cls);
  }
}
