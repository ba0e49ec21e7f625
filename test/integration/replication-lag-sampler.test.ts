import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { LagSampler } from '../../scenarios/logical/lag-sampler.js';
import { REPLICATION_LAG_FILE, type ReplicationLagSample } from '../../run/replication-lag.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runScenario } from '../support/run-scenario.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';
import { readReplicationLag } from '../../reports/charts/index.js';
import { blueCluster } from '../support/action-context.js';
import { waitFor } from '../support/lab.js';

let work: string;
const started: LagSampler[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-lag-sampler-'));
});
afterAll(async () => {
  // A test that failed half-way leaves no sampler running.
  for (const s of started) await s.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function start(o: Parameters<typeof LagSampler.start>[0]): LagSampler {
  const sampler = LagSampler.start(o);
  started.push(sampler);
  return sampler;
}

async function samples(runDir: string): Promise<ReplicationLagSample[]> {
  const text = await readFile(join(runDir, REPLICATION_LAG_FILE), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReplicationLagSample);
}

describe('LagSampler against a real server', () => {
  let server: LocalServer;
  let blue: Cluster;
  beforeAll(async () => {
    server = await LocalServer.start({ version: '15', settings: { wal_level: 'logical' } });
    blue = await blueCluster(server, { provider: 'embedded' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records the lag of a slot nobody consumes, survives its connection being killed and the slot dropped, and stops promptly', async () => {
    const runDir = await mkdtemp(join(work, 'direct-'));
    const slot = 'cutover_lag_test';
    {
      await using db = await blue.admin();
      await db.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
      await db.query(`CREATE TABLE filler (id serial PRIMARY KEY, pad text)`);
    }
    const sampler = start({ blue, slot, runDir, intervalMs: 100 });
    await waitFor(async () => (await samples(runDir)).length >= 2, 'two samples');
    // WAL the slot never confirms: the lag grows by at least what was written.
    {
      await using db = await blue.admin();
      await db.query(`INSERT INTO filler (pad) SELECT repeat('x', 200) FROM generate_series(1, 2000)`);
    }
    const grown = await waitFor(async () => (await samples(runDir)).find((s) => s.lagBytes > 400_000), 'a sample after 400 kB of WAL');
    expect(grown.slot).toBe(slot);

    // The sampler's session dies (as in a fence or a restart): the next samples reconnect.
    const before = (await samples(runDir)).length;
    {
      await using db = await blue.admin();
      const killed = await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%confirmed_flush_lsn%'`);
      expect(killed.length).toBeGreaterThan(0);
    }
    await waitFor(async () => (await samples(runDir)).length >= before + 3, 'samples after the connection was killed');

    // No slot, nothing to record (the blue/green drops it at the end).
    {
      await using db = await blue.admin();
      await db.query(`SELECT pg_drop_replication_slot($1)`, [slot]);
    }
    const t0 = Date.now();
    const summary = await sampler.stop();
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(await sampler.stop()).toEqual(summary);
    const lines = await samples(runDir);
    expect(summary).toMatchObject({ file: REPLICATION_LAG_FILE, samples: lines.length });
    expect(summary.errors).toBeGreaterThanOrEqual(1);
    expect(summary.maxLagBytes).toBe(Math.max(...lines.map((s) => s.lagBytes)));
    for (const [i, s] of lines.entries()) {
      expect(s.at).toBe(new Date(s.t).toISOString());
      expect(Number.isInteger(s.lagBytes) && s.lagBytes >= 0 && s.lagBytes < 1e9).toBe(true);
      if (i > 0) expect(s.t).toBeGreaterThan(lines[i - 1]!.t);
    }
  });

  it('a slot that never existed and a server that is gone make no lines and no exception', async () => {
    const runDir = await mkdtemp(join(work, 'none-'));
    const sampler = start({ blue, slot: 'no_such_slot', runDir, intervalMs: 50 });
    const summary = await sampler.stop();
    expect(summary.samples).toBe(0);
    expect(summary.errors).toBe(0);
    expect(await samples(runDir)).toEqual([]);

    const unreachable: Cluster = { ...blue, endpoint: () => ({ ...blue.endpoint(), port: 1, connectTimeoutMs: 500 }) };
    const failing = start({ blue: unreachable, slot: 'x', runDir, intervalMs: 50 });
    const failed = await failing.stop();
    expect(failed.samples).toBe(0);
    expect(failed.errors).toBeGreaterThanOrEqual(1);
    expect(failed.lastError).toBeTruthy();
  });
});

describe('LagSampler against a server that never answers', () => {
  it('stop() gives up on the stuck sample after its deadline, says so, and writes nothing', async () => {
    // Accepts connections and never says a word: a sample waits forever.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const runDir = await mkdtemp(join(work, 'silent-'));
    const blue = {
      role: 'blue',
      endpoint: () => ({ host: '127.0.0.1', port, database: 'app', user: 'postgres', sslmode: 'disable' as const }),
    } as unknown as Cluster;
    const sampler = start({ blue, slot: 'x', runDir, intervalMs: 50, stopTimeoutMs: 300 });
    await waitFor(async () => sockets.length > 0, 'the sampler to connect');
    const t0 = Date.now();
    const summary = await sampler.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(summary).toMatchObject({ samples: 0, forcedStop: true });
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(await samples(runDir)).toEqual([]);
  });
});

describe('the logical blue/green step samples its replication lag', () => {
  it('a whole run (embedded 15 -> 17) leaves replication-lag.ndjson with samples of its slot during the step', async () => {
    const scenario = scenarioSchema.parse({
      name: 'lag-sampling',
      blue: { provider: 'embedded', version: '15' },
      green: { provider: 'embedded', version: '17' },
      dataset: { name: 'notifications', scale: 0.1 },
      soak: { rate: 50 },
      switchover: 'hard',
      steps: [{ action: 'wait', duration: '1s' }, { action: 'logical-bluegreen' }, { action: 'wait', duration: '1s' }],
    });
    const lines: string[] = [];
    const { runDir, manifest } = await runScenario(scenario, { runsDir: join(work, 'runs'), log: (l) => void lines.push(l), method: 'logical' });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    const step = manifest.steps[1]!;
    expect(step.status).toBe('ok');
    const recorded = await samples(runDir);
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    const from = Date.parse(step.startedAt);
    const to = Date.parse(step.endedAt);
    for (const s of recorded) {
      expect(s.slot).toBe(step.details!.subscription);
      expect(s.t).toBeGreaterThanOrEqual(from);
      expect(s.t).toBeLessThanOrEqual(to);
      expect(s.lagBytes).toBeGreaterThanOrEqual(0);
      expect(s.lagBytes).toBeLessThan(64 * 1024 * 1024);
    }
    expect(step.details!.replicationLag).toMatchObject({ file: REPLICATION_LAG_FILE, samples: recorded.length, errors: 0 });
    // The switchover drained: the last sample, taken after it, shows at most the few WAL records blue writes by itself.
    expect(recorded[recorded.length - 1]!.lagBytes).toBeLessThan(16 * 1024);
    // What the report charts from it.
    const series = await readReplicationLag(runDir, from);
    expect(series.map((s) => s.lagBytes)).toEqual([recorded.map((s) => s.lagBytes)]);
  });
});
