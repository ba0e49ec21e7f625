/**
 * Ledger benchmarks (issue 4): bytes per event on disk in steady state, beside a naive ledger
 * with one line per event; and the verification of 10M events, beside a plain full anti-join of
 * the attempted ids against the events table, on the same server in the same run.
 *
 * `benchLedger({ server })` is called from test/bench/index.ts; run alone with
 *   BENCH_LEDGER_EVENTS=10000000 npx tsx test/bench/ledger.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openSession } from '../../core/session.js';
import { eventsTableDdl } from '../../load/ledger-table.js';
import { ledgerId, type ExceptionalAttempt, type WriterLedger } from '../../load/ledger-types.js';
import { openLedgerWriter } from '../../load/ledger-writer.js';
import { verifyLedger } from '../../load/verify-ledger.js';
import { labEnv } from '../support/lab.js';

export interface LedgerBenchTiming {
  name: string;
  ms: number;
  peer: { name: string; ms: number };
}

export interface LedgerBytes {
  rate: number;
  flushMs: number;
  bytesPerEvent: number;
  /** The same events as one text line each (`<id> ok`), the obvious alternative. */
  naiveBytesPerEvent: number;
}

export interface LedgerBenchResult {
  bytes: LedgerBytes[];
  timings: LedgerBenchTiming[];
}

/** Deterministic pseudo-random numbers, so every run injects the same anomalies. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Ledger bytes per event: `seconds` of attempts at `rate` through 32 connections completing out
 * of order (latency up to 64 sends), flushed every `flushMs`, simulated clock; the first 10 s
 * (header, warm-up) are excluded.
 */
export async function ledgerBytesPerEvent(rate: number, flushMs: number, seconds = 120): Promise<LedgerBytes> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-bench-ledger-'));
  try {
    const clock = { t: 1_700_000_000_000 };
    const key = 2_000_000_000;
    const ledger = await openLedgerWriter({ dir, writer: { writerKey: key, label: 'bench' }, run: 'bench', expectedRate: rate, now: () => clock.t });
    const random = rng(1);
    const completions = new Map<number, number[]>();
    const perFlush = Math.max(1, Math.round((rate * flushMs) / 1000));
    const warm = rate * 10;
    const total = rate * seconds;
    let bytesAtWarm = 0;
    for (let seq = 0; seq < total; seq++) {
      clock.t += 1000 / rate;
      for (const done of completions.get(seq) ?? []) ledger.record(done, 'ok');
      completions.delete(seq);
      ledger.beforeSend(seq);
      const at = seq + 1 + Math.floor(random() * 64);
      completions.set(at, [...(completions.get(at) ?? []), seq]);
      if (seq % perFlush === perFlush - 1) await ledger.flush();
      if (seq === warm) bytesAtWarm = ledger.bytesWritten;
    }
    const steadyBytes = ledger.bytesWritten - bytesAtWarm;
    await ledger.close();
    const onDisk = (await stat(ledger.path)).size;
    if (onDisk < ledger.bytesWritten) throw new Error(`ledger file is ${onDisk} bytes, the writer counted ${ledger.bytesWritten}`);
    return { rate, flushMs, bytesPerEvent: steadyBytes / (total - warm), naiveBytesPerEvent: `${ledgerId(key, total).toString()} ok\n`.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The synthetic run verified below: its ledger and the anomalies injected into the table. */
function syntheticRun(events: number, key: number) {
  const random = rng(7);
  // An outage in the middle: 2,000 attempts, alternately error and unknown.
  const outageFrom = Math.floor(events / 2);
  const outageTo = outageFrom + 1_999;
  const exceptions: ExceptionalAttempt[] = [];
  for (let s = outageFrom; s <= outageTo; s++) exceptions.push({ seq: s, outcome: s % 2 ? 'error' : 'unknown', errorClass: 'refused', dueAt: s, completedAt: s });
  const ledger: WriterLedger = { writer: { writerKey: key, label: 'bench' }, okRanges: [[0, outageFrom - 1], [outageTo + 1, events - 1]], exceptions, reservedThrough: events - 1, closed: true };
  const pick = (n: number, from: number, to: number) => Array.from({ length: n }, () => from + Math.floor(random() * (to - from)));
  const okSeq = () => pick(1, 0, outageFrom)[0] ?? 0;
  const lost = [...new Set([...pick(5, 0, outageFrom), ...pick(5, outageTo + 1, events)])].sort((a, b) => a - b);
  const duplicated = [okSeq(), okSeq(), okSeq()].filter((s) => !lost.includes(s));
  const unexpected = [outageFrom + 1, outageFrom + 3]; // error outcomes that are present
  const recovered = Array.from({ length: 500 }, (_, i) => outageFrom + i * 4); // unknown outcomes present
  return { ledger, lost, duplicated, unexpected, recovered, outageFrom, outageTo };
}

/**
 * Verification time for `events` ledgered events (default 10M) in one writer with an outage,
 * a few losses, duplicates and unexpected rows, against a full anti-join of the attempted ids.
 * Checks that verification found exactly the injected anomalies.
 */
export async function benchVerify(server: LocalServer, events = 10_000_000, repeat = 1): Promise<LedgerBenchTiming> {
  const database = 'ledger_bench';
  {
    await using admin = await server.admin();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
  }
  const key = 123_456_789;
  const run = syntheticRun(events, key);
  const base = ledgerId(key, 0).toString();
  {
    await using db = await server.admin(database);
    for (const sql of eventsTableDdl('cutover')) await db.query(sql);
    await db.query('DROP INDEX cutover.events_id_idx');
    await db.query(
      `INSERT INTO cutover.events (id, writer_key)
       SELECT $1::int8 + g, $2 FROM generate_series(0, $3::int8 - 1) g
       WHERE (g < $4 OR g > $5) AND g <> ALL($6::int8[])`,
      [base, key, events, run.outageFrom, run.outageTo, run.lost],
    );
    const extra = [...run.duplicated, ...run.unexpected, ...run.recovered].map((s) => ledgerId(key, s).toString());
    await db.query(`INSERT INTO cutover.events (id, writer_key) SELECT x, $2 FROM unnest($1::int8[]) x`, [extra, key]);
    await db.query('CREATE INDEX events_id_idx ON cutover.events (id)');
    await db.query('VACUUM ANALYZE cutover.events');
  }
  await using db = await openSession(server.endpoint(database), { statementTimeoutMs: 0 });
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < repeat; i++) {
    let t0 = performance.now();
    const result = await verifyLedger({ ledgers: [run.ledger], db, schema: 'cutover' });
    ours.push(performance.now() - t0);
    const expect = { lost: run.lost.length, duplicated: run.duplicated.length, unexpected: run.unexpected.length, recovered: run.recovered.length };
    const got = { lost: result.lost, duplicated: result.duplicated, unexpected: result.unexpected, recovered: result.recovered };
    if (JSON.stringify(got) !== JSON.stringify(expect) || result.ids.lost.join() !== run.lost.map((s) => ledgerId(key, s).toString()).join()) {
      throw new Error(`verification found ${JSON.stringify(got)}, the bench injected ${JSON.stringify(expect)}`);
    }
    console.log(`bench: verified ${events.toLocaleString('en-US')} events in ${(ours[i]! / 1000).toFixed(2)} s with ${result.queries} queries`);
    // The peer: every attempted id looked up in one anti-join (finds lost ids only).
    t0 = performance.now();
    await db.query(`SELECT count(*) FROM generate_series($1::int8, $1::int8 + $2::int8 - 1) g WHERE NOT EXISTS (SELECT 1 FROM cutover.events e WHERE e.id = g)`, [base, events]);
    peer.push(performance.now() - t0);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
  return { name: `ledger verification, ${events.toLocaleString('en-US')} events`, ms: median(ours), peer: { name: 'full anti-join (generate_series, NOT EXISTS)', ms: median(peer) } };
}

/** Both ledger benchmarks; prints their lines and returns the figures for the summary table. */
export async function benchLedger(options: { server: LocalServer; events?: number; repeat?: number }): Promise<LedgerBenchResult> {
  const bytes: LedgerBytes[] = [];
  for (const [rate, flushMs] of [[50, 1000], [500, 200], [2000, 200], [2000, 1000], [10000, 200]] as const) {
    bytes.push(await ledgerBytesPerEvent(rate, flushMs));
  }
  console.log('\n| ledger, steady state | bytes per event | one line per event | ratio |\n|---|---:|---:|---:|');
  for (const b of bytes) {
    console.log(`| ${b.rate}/s, flush every ${b.flushMs} ms | ${b.bytesPerEvent.toFixed(3)} | ${b.naiveBytesPerEvent} | ${(b.bytesPerEvent / b.naiveBytesPerEvent).toFixed(4)} |`);
  }
  const timings = [await benchVerify(options.server, options.events, options.repeat)];
  for (const t of timings) {
    console.log(`bench: ${t.name}: ${(t.ms / 1000).toFixed(2)} s; ${t.peer.name}: ${(t.peer.ms / 1000).toFixed(2)} s; ratio ${(t.ms / t.peer.ms).toFixed(2)}`);
  }
  return { bytes, timings };
}

function labBindir17(): string | undefined {
  try {
    return labEnv().CUTOVER_LAB_PG17_BINDIR;
  } catch {
    return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bindir = labBindir17();
  await using server = await LocalServer.start({ ...(bindir ? { bindir } : { version: '17' }), name: 'bench-ledger', settings: { shared_buffers: '1GB' } });
  await benchLedger({ server, events: Number(process.env.BENCH_LEDGER_EVENTS ?? 10_000_000), repeat: Number(process.env.BENCH_REPEAT ?? 1) });
}
