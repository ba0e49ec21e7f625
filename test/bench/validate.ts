/**
 * Data validation benchmark (issue 15): `cutover validate` on two identical tables of
 * BENCH_VALIDATE_ROWS rows (10,000,000 by default; bigint key and 7 mixed columns) in two
 * databases of one lab PostgreSQL 17 server, beside the floor of any validation that reads the
 * data (a full-row scan of both tables), plain count(*), and the peers reladiff and pg_comparator
 * in the same run; cutover at --jobs 2 (the default) and 1, and one server's stored digests
 * (in-place upgrades) at both; then the same with 1,000 scattered differences. A peer that cannot
 * be installed is printed as unavailable, with the reason.
 *
 *   BENCH=validate npm run bench                       # 10M rows (what docs/benchmarks.md records)
 *   BENCH=validate BENCH_VALIDATE_ROWS=1000000 npm run bench
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../core/child-process.js';
import type { Endpoint } from '../../core/endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { DEFAULT_JOBS, validateData, type ValidationProgress } from '../../validate/index.js';
import { computeDigests } from '../../validate/stored-digests.js';
import type { ValidationResult } from '../../validate/result.js';
import { startLabServer } from '../support/lab.js';

export interface ValidateBenchOptions {
  rows: number;
  /** Runs of each cutover and floor measurement (the median is printed); peers run once. */
  repeat: number;
  /** Differences injected for the second half (changed, missing and extra rows). */
  differences: number;
  /** A peer still running after this long is stopped and reported as such. */
  peerTimeoutMs: number;
}

const COLUMNS = ['i', 's', 'ts', 'f', 'n', 'j', 'b'] as const;
const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Peer {
  name: string;
  bin?: string;
  /** Why it is unavailable. */
  reason?: string;
}

interface Timed<T> {
  ms: number;
  value: T;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function timed<T>(repeat: number, fn: () => Promise<T>): Promise<Timed<T> & { runs: number[] }> {
  const runs: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = await fn();
    runs.push(performance.now() - t0);
  }
  return { ms: median(runs), runs, value: value as T };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** scripts/bench-deps.sh installs the peers (cached) and prints where they are. */
async function installPeers(): Promise<Peer[]> {
  const out = await runCommand(join(REPO, 'scripts/bench-deps.sh'), [], { timeoutMs: 900_000 });
  const found = new Map(out.stdout.split('\n').map((l) => l.split('=', 2) as [string, string | undefined]));
  const why = out.stderr.trim().split('\n').filter((l) => /could not|must run|no lab/.test(l)).join('; ') || `scripts/bench-deps.sh exited ${out.exitCode}`;
  return ['reladiff', 'pg_comparator'].map((name) => {
    const bin = found.get(name);
    return bin ? { name, bin } : { name, reason: why };
  });
}

async function seed(server: LocalServer, rows: number, withPgcmp: boolean): Promise<void> {
  {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE a');
  }
  {
    await using a = await server.admin('a');
    if (withPgcmp) await a.query('CREATE EXTENSION pgcmp');
    await a.query(`CREATE TABLE t (id bigint PRIMARY KEY, i int, s text, ts timestamptz, f float8, n numeric, j jsonb, b bool)`);
    const chunk = 1_000_000;
    for (let from = 1; from <= rows; from += chunk) {
      const to = Math.min(rows, from + chunk - 1);
      // Deterministic, mixed values: texts of varied length, floats of both signs, numerics of scale 2.
      await a.query(`INSERT INTO t SELECT g, (g * 7919) % 1000003, md5(g::text) || repeat('x', (g % 7)::int),
        '2020-01-01 00:00:00+00'::timestamptz + g * interval '1 second', (g - ${rows / 2}) * 1.000001,
        round((g % 100000) / 100.0, 2), jsonb_build_object('g', g, 'tag', 'x' || (g % 100)), g % 3 = 0
        FROM generate_series(${from}::int8, ${to}::int8) g`);
    }
    await a.query('VACUUM (FREEZE, ANALYZE) t');
  }
  {
    await using admin = await server.admin();
    // A file copy of the whole database: identical rows, in seconds.
    await admin.query('CREATE DATABASE b TEMPLATE a STRATEGY FILE_COPY');
  }
}

/** `count` scattered differences in b: 80 % changed (each column in turn), 10 % deleted, 10 % inserted. */
async function injectDifferences(b: Session, rows: number, count: number): Promise<{ changed: number; missing: number; extra: number }> {
  const step = Math.floor(rows / count);
  const missing = Math.floor(count / 10);
  const extra = missing;
  const changed = count - missing - extra;
  // Row k of the differences is id 1 + k * step + 7 (scattered over the whole table).
  const at = (k: string): string => `(1 + (${k}) * ${step} + 7)`;
  const col = (name: string, expr: string): string => `${name} = CASE WHEN ((id - 8) / ${step}) % ${COLUMNS.length} = ${COLUMNS.indexOf(name as (typeof COLUMNS)[number])} THEN ${expr} ELSE ${name} END`;
  await b.query(`UPDATE t SET ${[
    col('i', 'i + 1'),
    col('s', `s || '!'`),
    col('ts', `ts + interval '1 microsecond'`),
    col('f', `f * (1 + 2.2e-16)`),
    col('n', `n::numeric(20,3)`),
    col('j', `j || '{"tag": "changed"}'`),
    col('b', 'NOT b'),
  ].join(', ')} WHERE id IN (SELECT ${at('k')} FROM generate_series(0, ${changed - 1}) k)`);
  await b.query(`DELETE FROM t WHERE id IN (SELECT ${at('k')} FROM generate_series(${changed}, ${changed + missing - 1}) k)`);
  await b.query(`INSERT INTO t SELECT ${rows} + k, k, 'extra', now(), k, k, '{}', true FROM generate_series(1, ${extra}) k`);
  await b.query('VACUUM (FREEZE, ANALYZE) t');
  return { changed, missing, extra };
}

/** Both tables at once, each on its own connection (as validate reads them). */
async function bothAtOnce(sessions: [Session, Session], sql: string): Promise<void> {
  await Promise.all(sessions.map((s) => s.query(sql)));
}

interface PeerRun {
  ms?: number;
  found?: string;
  note?: string;
}

async function runPeer(peer: Peer, server: LocalServer, timeoutMs: number): Promise<PeerRun> {
  if (!peer.bin) return { note: `not installed: ${peer.reason ?? ''}` };
  const env = { ...process.env, PGPASSWORD: server.password };
  const base = `postgres@${server.host}:${server.port}`;
  const args =
    peer.name === 'reladiff'
      ? [`postgresql://${base}/a`, 't', `postgresql://${base}/b`, 't', '-k', 'id', ...COLUMNS.flatMap((c) => ['-c', c]), '--stats']
      : ['--env-pass=PGPASSWORD', `pgsql://${base}/a/public.t?id:${COLUMNS.join(',')}`, `pgsql://${base}/b/public.t`];
  const result = await runCommand(peer.bin, args, { env, timeoutMs });
  if (result.timedOut) return { note: `stopped after ${seconds(timeoutMs)} (BENCH_VALIDATE_PEER_TIMEOUT_S)` };
  if (peer.name === 'reladiff') {
    if (result.exitCode !== 0) return { ms: result.durationMs, note: `failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-2).join(' ')}` };
    const n = (re: RegExp): number => Number(re.exec(result.stdout)?.[1] ?? NaN);
    const [a, b, u] = [n(/(\d+) rows exclusive to table A/), n(/(\d+) rows exclusive to table B/), n(/(\d+) rows updated/)];
    return { ms: result.durationMs, found: `missing ${a}, extra ${b}, changed ${u}` };
  }
  // pg_comparator exits 1 when the tables differ; its lines say how to make the second like the first.
  if (result.exitCode !== 0 && result.exitCode !== 1) return { ms: result.durationMs, note: `failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-2).join(' ')}` };
  const count = (verb: string): number => result.stdout.split('\n').filter((l) => l.startsWith(`${verb} `)).length;
  return { ms: result.durationMs, found: `missing ${count('INSERT')}, extra ${count('DELETE')}, changed ${count('UPDATE')}` };
}

function describeResult(r: ValidationResult): string {
  const t = r.tables[0];
  return t ? `${t.status}: missing ${t.missing}, extra ${t.extra}, changed ${t.changed}` : r.outcome;
}

export async function benchValidate(options: ValidateBenchOptions): Promise<void> {
  const { rows, repeat } = options;
  const peers = await installPeers();
  // Both tables held in shared buffers (a sequential scan of a table larger than a quarter of
  // them reads through a small ring instead), so every measurement reads from memory alike.
  const sharedMb = Math.max(256, Math.ceil((rows * 160 * 4.5) / 2 ** 20));
  await using server = await startLabServer(17, { name: 'bench-validate', settings: { shared_buffers: `${sharedMb}MB`, max_connections: 50, max_wal_size: '8GB' } });
  const t0 = performance.now();
  const pgcmp = peers.some((p) => p.name === 'pg_comparator' && p.bin);
  await seed(server, rows, pgcmp);
  console.log(`bench validate: lab PostgreSQL 17 (${server.bindir}), shared_buffers ${sharedMb} MB; two databases with one table of ${rows.toLocaleString('en-US')} rows each, seeded in ${seconds(performance.now() - t0)}`);
  const source: Endpoint = server.endpoint('a');
  const target: Endpoint = server.endpoint('b');
  await using a = await openSession(source, { statementTimeoutMs: 0 });
  await using b = await openSession(target, { statementTimeoutMs: 0 });
  const [size] = await a.query<{ size: string }>(`SELECT pg_size_pretty(pg_table_size('t')) AS size`);
  console.log(`bench validate: table size ${size?.size ?? '?'} each; cutover and the floors: median of ${repeat}; peers: one run each`);

  const floor = 'SELECT count(*) FROM t WHERE t IS NOT NULL';
  await bothAtOnce([a, b], floor); // warms the shared buffers
  const progress: ValidationProgress[] = [];
  const validate = (jobs?: number): Promise<ValidationResult> => validateData({ source, target, ...(jobs ? { jobs } : {}), onProgress: (p) => progress.push(p) });
  const rssBefore = rssMb();

  const measure = async (label: string, expected: string, digestsToo = false): Promise<void> => {
    const count = await timed(repeat, () => bothAtOnce([a, b], 'SELECT count(*) FROM t'));
    const full = await timed(repeat, () => bothAtOnce([a, b], floor));
    const oneSide = await timed(repeat, () => a.query(floor));
    progress.length = 0;
    const cutover = await timed(repeat, () => validate());
    // One session per side (no snapshot shared, no split): what the default of DEFAULT_JOBS gains.
    const serial = await timed(repeat, () => validate(1));
    const peerRuns: [Peer, PeerRun][] = [];
    for (const peer of peers) peerRuns.push([peer, await runPeer(peer, server, options.peerTimeoutMs)]);
    const ratio = (ms: number | undefined, base: number): string => (ms === undefined ? '—' : (ms / base).toFixed(2));
    console.log(`\n### ${label} (expected ${expected})\n`);
    console.log('| measurement | time | ÷ floor | ÷ count(*) | ÷ cutover | found |\n|---|---:|---:|---:|---:|---|');
    const line = (name: string, ms: number | undefined, found: string): void =>
      console.log(`| ${name} | ${ms === undefined ? '—' : seconds(ms)} | ${ratio(ms, full.ms)} | ${ratio(ms, count.ms)} | ${ratio(ms, cutover.ms)} | ${found} |`);
    line(`**cutover validate** (--jobs ${DEFAULT_JOBS}, the default)`, cutover.ms, `${describeResult(cutover.value)} (runs ${cutover.runs.map((r) => seconds(r)).join(', ')})`);
    line('cutover validate --jobs 1', serial.ms, `${describeResult(serial.value)} (runs ${serial.runs.map((r) => seconds(r)).join(', ')})`);
    line('floor: `count(*) WHERE t IS NOT NULL`, both tables at once', full.ms, '');
    line('the same, one table alone', oneSide.ms, '');
    if (digestsToo) {
      // One server at a time, as an in-place upgrade stores them: here the second session has a core of its own.
      const stored = await timed(repeat, () => computeDigests({ endpoint: source }));
      const storedSerial = await timed(repeat, () => computeDigests({ endpoint: source, jobs: 1 }));
      line(`stored digests of one table (in-place upgrades), --jobs ${DEFAULT_JOBS}`, stored.ms, `÷ one table's floor: ${(stored.ms / oneSide.ms).toFixed(2)}`);
      line('stored digests of one table, --jobs 1', storedSerial.ms, `÷ one table's floor: ${(storedSerial.ms / oneSide.ms).toFixed(2)}; --jobs ${DEFAULT_JOBS} ÷ --jobs 1: ${(stored.ms / storedSerial.ms).toFixed(2)}`);
    }
    line('plain `count(*)`, both tables at once', count.ms, '');
    for (const [peer, run] of peerRuns) line(peer.name, run.ms, run.found ?? run.note ?? '');
    const last = progress.at(-1);
    console.log(`\nprogress events in the last run: ${progress.length / (2 * repeat)}; last: ${JSON.stringify(last)}`);
    lastCutover.set(label, cutover.ms);
  };
  const lastCutover = new Map<string, number>();

  await measure('identical tables', 'equal', true);
  await using admin = await server.admin('b');
  const injected = await injectDifferences(admin, rows, options.differences);
  await measure(`${options.differences.toLocaleString('en-US')} scattered differences`, `missing ${injected.missing}, extra ${injected.extra}, changed ${injected.changed}`);
  const [same, diff] = [...lastCutover.values()];
  if (same && diff) console.log(`\ncutover validate with differences ÷ identical: ${(diff / same).toFixed(2)} (goal under 1.5)`);
  console.log(`harness memory: peak RSS ${rssBefore} MB before the validations, ${rssMb()} MB after (process.resourceUsage().maxRSS)`);
}
