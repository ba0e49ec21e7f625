/**
 * `npm run bench`: the figures of docs/benchmarks.md, each beside a peer measured in the same
 * run, printed as ratios. Never a test: nothing here gates CI.
 *
 *   npm run bench                                  # every section
 *   BENCH=driver npm run bench                     # one section: suite, ledger, driver, latency, methods, report, validate, sqlite
 *   BENCH_TABLES=1000 BENCH_ROWS=5000000 BENCH=suite npm run bench
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveConfig } from '../../core/config.js';
import { runSuite } from '../../checks/suite.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runChecked } from '../../core/child-process.js';
import { openSession } from '../../core/session.js';
import { seedBenchDataset } from './bench-dataset.js';
import { labEnv } from '../support/lab.js';
import { benchLedger } from './ledger.js';
import { benchDriver } from './driver.js';
import { benchDriverLatency } from './driver-latency.js';
import { benchMethods } from './methods.js';
import { benchReport } from './report.js';
import { benchValidate } from './validate.js';
import { benchSqlite } from './sqlite.js';

const SECTIONS = ['suite', 'ledger', 'driver', 'latency', 'methods', 'report', 'validate', 'sqlite'] as const;
const chosen = (process.env.BENCH ?? SECTIONS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const name of chosen) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`BENCH: expected a comma-separated list of ${SECTIONS.join(', ')}, got "${name}"`);
}
const runs = (section: (typeof SECTIONS)[number]) => chosen.includes(section);

const TABLES = Number(process.env.BENCH_TABLES ?? 1_000);
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function time(repeat: number, fn: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

function fullBindir(): string | undefined {
  try {
    const dir = labEnv().CUTOVER_LAB_PG17_BINDIR;
    return dir && existsSync(join(dir, 'pg_dump')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function benchSuite(): Promise<void> {
  const bindir = fullBindir();
  console.log(`bench: PostgreSQL 17 (${bindir ? 'lab build, with pg_dump' : 'embedded; pg_dump peer unavailable: run scripts/lab.sh'}), ${TABLES} tables, ${ROWS.toLocaleString('en-US')} rows, median of ${REPEAT}`);
  await using server = await LocalServer.start({
    ...(bindir ? { bindir } : { version: '17' }),
    name: 'bench',
    settings: { shared_buffers: '1GB', max_connections: 50 },
  });
  {
    await using admin = await server.admin();
    await admin.query('CREATE DATABASE bench');
  }
  const t0 = performance.now();
  {
    await using db = await server.admin('bench');
    await seedBenchDataset(db, TABLES, ROWS);
  }
  console.log(`bench: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const endpoint = server.endpoint('bench');

  // Warm the caches once so every measurement below reads from memory alike.
  await runSuite({ endpoint, suite: 'pre', config: resolveConfig({}) });

  const results: { name: string; ms: number; peer?: { name: string; ms: number } }[] = [];

  // 1. The default suite vs pg_dump --schema-only, the usual hand-made schema snapshot.
  const suiteMs = await time(REPEAT, () => runSuite({ endpoint, suite: 'pre', config: resolveConfig({}) }));
  let dumpMs: number | undefined;
  if (bindir) {
    dumpMs = await time(REPEAT, () =>
      runChecked(join(bindir, 'pg_dump'), ['--schema-only', '-h', server.host, '-p', String(server.port), '-U', 'postgres', '-d', 'bench', '-f', '/dev/null'], {
        env: { ...process.env, PGPASSWORD: server.password },
      }),
    );
  }
  results.push({ name: 'default pre suite (whole catalog)', ms: suiteMs, ...(dumpMs ? { peer: { name: 'pg_dump --schema-only', ms: dumpMs } } : {}) });

  // 2. Exact counts: cutover's concurrent counts vs one count(*) after another on one connection.
  const serialPeer = await time(REPEAT, async () => {
    await using db = await openSession(endpoint, { statementTimeoutMs: 0 });
    const tables = await db.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, relname) AS name FROM pg_stat_user_tables ORDER BY 1`,
    );
    for (const t of tables) await db.query(`SELECT count(*) FROM ${t.name}`);
  });
  for (const concurrency of [1, 2, 4]) {
    const config = resolveConfig({ checks: { include: ['rows'], exactCounts: { concurrency } } });
    const ms = await time(REPEAT, () => runSuite({ endpoint, suite: 'pre', config }));
    results.push({ name: `rows check, exact counts, concurrency ${concurrency}`, ms, peer: { name: 'count(*) one after another', ms: serialPeer } });
  }

  console.log('\n| measurement | cutover | peer | peer time | ratio (cutover / peer) |\n|---|---:|---|---:|---:|');
  for (const r of results) {
    const ratio = r.peer ? (r.ms / r.peer.ms).toFixed(2) : '—';
    console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${r.peer?.name ?? '—'} | ${r.peer ? `${(r.peer.ms / 1000).toFixed(2)} s` : '—'} | ${ratio} |`);
  }
  const target = 10_000;
  console.log(`\nbench: default suite ${suiteMs < target ? 'within' : 'OVER'} the 10 s target (${(suiteMs / 1000).toFixed(2)} s)`);
}

if (runs('suite')) await benchSuite();
if (runs('ledger')) {
  const bindir = fullBindir();
  await using server = await LocalServer.start({ ...(bindir ? { bindir } : { version: '17' }), name: 'bench-ledger', settings: { shared_buffers: '1GB' } });
  await benchLedger({ server, events: Number(process.env.BENCH_LEDGER_EVENTS ?? 10_000_000), repeat: Number(process.env.BENCH_REPEAT_LEDGER ?? 1) });
}
if (runs('driver')) await benchDriver({ soakSeconds: Number(process.env.BENCH_SOAK_SECONDS ?? 600) });
if (runs('latency')) {
  await benchDriverLatency({
    ...(process.env.BENCH_LATENCY_RATES ? { rates: process.env.BENCH_LATENCY_RATES.split(',').map(Number) } : {}),
    ...(process.env.BENCH_LATENCY_SECONDS ? { seconds: Number(process.env.BENCH_LATENCY_SECONDS) } : {}),
    ...(process.env.BENCH_LATENCY_REPEATS ? { repeats: Number(process.env.BENCH_LATENCY_REPEATS) } : {}),
    ...(process.env.BENCH_LATENCY_CONNECTIONS ? { connections: Number(process.env.BENCH_LATENCY_CONNECTIONS) } : {}),
  });
}
if (runs('methods')) await benchMethods({ ...(process.env.BENCH_SCALES ? { scales: process.env.BENCH_SCALES.split(',').map(Number) } : {}) });
if (runs('report')) await benchReport();
if (runs('validate')) await benchValidate({ rows: Number(process.env.BENCH_VALIDATE_ROWS ?? 10_000_000), repeat: Number(process.env.BENCH_REPEAT_VALIDATE ?? 3), differences: 1_000, peerTimeoutMs: Number(process.env.BENCH_VALIDATE_PEER_TIMEOUT_S ?? 1_200) * 1000 });
if (runs('sqlite')) await benchSqlite(Number(process.env.BENCH_SQLITE_ROWS ?? 1_000_000), Number(process.env.BENCH_REPEAT ?? 3));
