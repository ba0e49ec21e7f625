import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openEndpointSwitch } from '../../scenarios/endpoint-switch/index.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { openSession } from '../../core/session.js';
import { SoakRun } from '../../load/soak-run.js';
import { workloadByName } from '../../load/workloads/index.js';
import { waitFor } from '../support/lab.js';

const pgbouncer = findLab()?.pgbouncer();

describe.skipIf(!pgbouncer)('endpoint switch, pause (a real PgBouncer; skipped without the lab\'s pgbouncer)', () => {
  let blue: LocalServer;
  let green: LocalServer;
  beforeAll(async () => {
    // Different passwords: clients keep blue's, PgBouncer logs in to each server with its own.
    [blue, green] = await Promise.all([LocalServer.start({ version: '15' }), LocalServer.start({ version: '17' })]);
  });
  afterAll(async () => {
    await Promise.allSettled([blue?.close(), green?.close()]);
  });

  it('stalls a client during PAUSE without an error, repoints, and RESUME sends it to the new server', async () => {
    await using sw = await openEndpointSwitch({ style: 'pause', target: blue.endpoint('postgres'), pgbouncerPath: pgbouncer });
    expect(sw.style).toBe('pause');
    await using client = await openSession(sw.endpoint('postgres'), { readOnly: false });
    expect(Math.floor(client.serverVersionNum / 10_000)).toBe(15);

    await sw.block();
    const blockedAt = performance.now();
    let answeredAt = 0;
    const during = client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`).then((rows) => {
      answeredAt = performance.now();
      return rows;
    });
    await sw.repoint(green.endpoint('postgres'));
    // Still waiting while paused: the stall a PAUSE switchover shows instead of errors.
    const stillWaiting = answeredAt === 0;
    const resumedAt = performance.now();
    await sw.resume();
    const rows = await during;
    expect(stillWaiting).toBe(true);
    expect(answeredAt).toBeGreaterThanOrEqual(resumedAt);
    expect(answeredAt - blockedAt).toBeGreaterThan(0);
    // The same client connection now reaches green.
    expect(Math.floor(Number(rows[0]?.v) / 10_000)).toBe(17);
    await using fresh = await openSession(sw.endpoint('postgres'));
    expect(Math.floor(fresh.serverVersionNum / 10_000)).toBe(17);
  });

  it('carries the soak driver (unnamed statements) and the probe lane through a pause with no failed attempt', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'cutover-pause-soak-'));
    try {
      await using sw = await openEndpointSwitch({ style: 'pause', target: blue.endpoint('postgres'), pgbouncerPath: pgbouncer });
      {
        await using admin = await blue.admin('postgres');
        await admin.query('CREATE SCHEMA IF NOT EXISTS cutover');
      }
      const soak = new SoakRun({
        endpoint: sw.endpoint('postgres'),
        runDir,
        workload: workloadByName('notifications', 'workload'),
        rate: 400,
        // More client connections than one server connection per client: PgBouncer multiplexes.
        connections: 8,
        schema: 'cutover',
        timeoutMs: 5_000,
        unnamedStatements: true,
        probe: { intervalMs: 20, timeoutMs: 5_000 },
        degradedThresholdMs: 200,
      });
      expect(await soak.waitServing(30_000)).toBe(true);
      const before = soak.live().driver;
      await waitFor(async () => soak.live().driver.ok > before.ok + 100, '100 more successes before the pause');
      await sw.block();
      const pausedAt = Date.now();
      await waitFor(async () => Date.now() - pausedAt > 600, 'a 600 ms pause');
      await sw.resume();
      const resumed = soak.live().driver.ok;
      await waitFor(async () => soak.live().driver.ok > resumed + 100, '100 more successes after the pause');
      soak.stop();
      const result = await soak.done;
      expect(result.driver.failed).toBe(0);
      expect(result.lanes.driver.outages).toHaveLength(0);
      expect(result.lanes.driver.degraded.length).toBeGreaterThan(0);
      expect(result.lanes.probe?.outages ?? []).toHaveLength(0);
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });
});
