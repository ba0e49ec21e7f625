import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runDriver } from '../../load/driver/index.js';
import { RateSchedule } from '../../load/driver/rate-scheduler.js';
import { workloadByName } from '../../load/workloads/index.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { readLedgers } from '../../load/ledger-reader.js';
import { ledgerId } from '../../load/ledger-types.js';
import { TimelineWriter } from '../../load/timeline-writer.js';
import { readTimeline, summariseWindow } from '../../load/timeline-reader.js';
import { labReady, startLabServer, waitFor } from '../support/lab.js';
import { connectionsNamed, fileLedger, MemoryLedger, openSocketsTo } from '../support/driver-harness.js';

/** The Node driver against a real PostgreSQL 17: what it sends, what it records, what it leaves open. */
describe('Node driver on embedded PostgreSQL 17', () => {
  let server: LocalServer;
  const dirs: string[] = [];

  beforeAll(async () => {
    server = await LocalServer.start({ version: '17', name: 'driver' });
  });
  afterAll(async () => {
    await server?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('sends every due attempt of a ramped schedule, and the table, the ledger and the timeline agree', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'cutover-driver-'));
    dirs.push(runDir);
    const rate = 300;
    const schedule = new RateSchedule({ rate, rampMs: 2000 });
    const expected = schedule.countBefore(4000);
    expect(expected).toBe(900);
    let result;
    {
      await using timeline = await TimelineWriter.open(runDir);
      result = await runDriver({
        workload: workloadByName('writes-only'),
        endpoint: server.endpoint(),
        rate,
        rampMs: 2000,
        durationMs: 4000,
        schema: 'soak run',
        connections: 4,
        ledger: fileLedger(runDir, rate),
        onSecond: (b) => timeline.append(b),
        applicationName: 'cutover-driver-test',
      });
    }
    expect(result).toMatchObject({ stoppedBy: 'duration', attempts: expected, ok: expected, failed: 0, abandoned: 0 });
    expect(result.ledgered).toEqual({ attempts: expected, ok: expected, error: 0, unknown: 0 });

    // Every acknowledged id is in the soak's table, once, and nothing else is.
    await using admin = await server.admin();
    const key = result.writer.writerKey;
    const rows = await admin.query<{ n: number; min: string; max: string; distinct: number }>(
      `SELECT count(*)::int AS n, min(id)::text AS min, max(id)::text AS max, count(DISTINCT id)::int AS distinct FROM "soak run".events WHERE writer_key = $1`,
      [key],
    );
    expect(rows[0]).toEqual({ n: expected, distinct: expected, min: ledgerId(key, 0).toString(), max: ledgerId(key, expected - 1).toString() });

    const [ledger] = await readLedgers(ledgerDir(runDir));
    expect(ledger?.writer.writerKey).toBe(key);
    expect(ledger?.okRanges).toEqual([[0, expected - 1]]);
    expect(ledger?.exceptions).toEqual([]);
    expect(ledger?.closed).toBe(true);

    // One line per second; the ramp shows in the per-second counts.
    const buckets = await readTimeline(runDir);
    expect(buckets.map((b) => b.second)).toEqual(buckets.map((_, i) => i));
    expect(buckets.length).toBeGreaterThanOrEqual(4);
    // Counted when sent: an attempt due at the very end of a second may be sent in the next.
    buckets.slice(0, 4).forEach((b, i) => expect(Math.abs(b.attempts - [75, 225, 300, 300][i]!)).toBeLessThanOrEqual(3));
    const all = summariseWindow(buckets);
    expect(all).toMatchObject({ attempts: expected, ok: expected, failed: 0, ledgered: { ok: expected, error: 0, unknown: 0 } });
    expect(all.latencyMs.count).toBe(expected);

    // Nothing left open: no backend, no socket.
    await waitFor(async () => (await connectionsNamed(server, 'cutover-driver-test')) === 0, 'the driver backends to exit', 10_000);
    expect(await openSocketsTo(server.port)).toBe(1); // the admin session of this test
  });

  it('runs the notifications mix: inserts, status updates of recent events and reads of recent rows', async () => {
    const ledger = new MemoryLedger({ writerKey: 4242, label: 'notifications' });
    const ops: Record<string, number> = {};
    const result = await runDriver({
      workload: workloadByName('notifications'),
      endpoint: server.endpoint(),
      rate: 200,
      durationMs: 3000,
      ledger: async () => ledger,
      onSecond: (b) => {
        for (const [name, c] of Object.entries(b.ops)) ops[name] = (ops[name] ?? 0) + c.ok;
      },
    });
    expect(result).toMatchObject({ attempts: 600, ok: 600, failed: 0 });
    expect(Object.keys(ops).sort()).toEqual(['insert-event', 'mark-delivered', 'read-recent']);
    expect(ledger.count('ok')).toBe(result.ledgered.ok);
    expect(ledger.closed).toBe(true);
    await using admin = await server.admin();
    const delivered = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM cutover.events WHERE writer_key = 4242 AND status = 'delivered'`);
    expect(delivered[0]?.n).toBeGreaterThan(0);
  });

  it('pipelines several statements per connection when asked, each still its own acknowledged write', async () => {
    const ledger = new MemoryLedger({ writerKey: 77, label: 'pipelined' });
    const result = await runDriver({
      workload: workloadByName('writes-only'),
      endpoint: server.endpoint(),
      rate: 2000,
      durationMs: 2000,
      connections: 2,
      pipelineDepth: 8,
      ledger: async () => ledger,
    });
    expect(result).toMatchObject({ attempts: 4000, ok: 4000, failed: 0 });
    expect(result.connections.peakOpen).toBeLessThanOrEqual(2);
    await using admin = await server.admin();
    const rows = await admin.query<{ n: number; distinct: number }>(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM cutover.events WHERE writer_key = 77`);
    expect(rows[0]).toEqual({ n: 4000, distinct: 4000 });
  });

  it('stops on its signal: drains, records every attempt once, and closes its connections', async () => {
    const ledger = new MemoryLedger({ writerKey: 99, label: 'signal' });
    const controller = new AbortController();
    const seconds: number[] = [];
    const done = runDriver({
      workload: workloadByName('writes-only'),
      endpoint: server.endpoint(),
      rate: 500,
      ledger: async () => ledger,
      signal: controller.signal,
      onSecond: (b) => void seconds.push(b.second),
      applicationName: 'cutover-signal-test',
    });
    await waitFor(async () => seconds.length >= 2 && seconds, 'two seconds of load');
    expect(await connectionsNamed(server, 'cutover-signal-test')).toBeGreaterThan(0);
    controller.abort();
    const result = await done;
    expect(result.stoppedBy).toBe('signal');
    expect(result.attempts).toBeGreaterThanOrEqual(1000);
    expect(ledger.outcomes.size).toBe(result.ledgered.attempts);
    expect(ledger.count('ok')).toBe(result.attempts);
    await waitFor(async () => (await connectionsNamed(server, 'cutover-signal-test')) === 0, 'the driver backends to exit', 10_000);
  });

  it('refuses the vector workload where pgvector is not installed, saying why', async () => {
    await expect(
      runDriver({ workload: workloadByName('vector'), endpoint: server.endpoint(), rate: 10, durationMs: 100, ledger: async () => new MemoryLedger() }),
    ).rejects.toThrow(/workload vector cannot run on postgres: pgvector is not installed on this server/);
  });

  it('refuses options that make no sense before connecting', async () => {
    const base = { workload: workloadByName('writes-only'), endpoint: { ...server.endpoint(), port: 1 }, ledger: async () => new MemoryLedger() };
    await expect(runDriver({ ...base, rate: 0 })).rejects.toThrow('rate: expected a positive number, got 0');
    await expect(runDriver({ ...base, rate: 10, connections: 0 })).rejects.toThrow(/connections: expected a whole number/);
  });
});

describe.skipIf(!labReady(17))('Node driver, vector workload on the lab PostgreSQL 17 with pgvector (skipped when the upgrade lab is not installed: scripts/lab.sh)', () => {
  it('inserts embeddings (ledgered) and searches their nearest neighbours through the HNSW index', async () => {
    await using server = await startLabServer(17, { name: 'driver-vector' });
    {
      await using admin = await server.admin();
      await admin.query('CREATE EXTENSION vector');
    }
    const ledger = new MemoryLedger({ writerKey: 5, label: 'vector' });
    const ops: Record<string, number> = {};
    const result = await runDriver({
      workload: workloadByName('vector'),
      endpoint: server.endpoint(),
      rate: 100,
      durationMs: 3000,
      ledger: async () => ledger,
      onSecond: (b) => {
        for (const [name, c] of Object.entries(b.ops)) ops[name] = (ops[name] ?? 0) + c.ok;
      },
    });
    expect(result).toMatchObject({ attempts: 300, ok: 300, failed: 0 });
    expect(Object.keys(ops).sort()).toEqual(['insert-embedding', 'nearest-neighbours']);
    await using admin = await server.admin();
    const rows = await admin.query<{ events: number; embeddings: number; hnsw: boolean }>(
      `SELECT (SELECT count(*)::int FROM cutover.events) AS events, (SELECT count(*)::int FROM cutover.embeddings) AS embeddings,
              EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'cutover' AND indexdef LIKE '%USING hnsw%') AS hnsw`,
    );
    expect(rows[0]).toEqual({ events: result.ledgered.ok, embeddings: result.ledgered.ok, hnsw: true });
    await admin.query('SET enable_seqscan = off');
    const plan = await admin.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM cutover.embeddings ORDER BY embedding <-> (SELECT embedding FROM cutover.embeddings LIMIT 1) LIMIT 10`);
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/embeddings_hnsw_idx/);
  });
});
