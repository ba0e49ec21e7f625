import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { toClientConfig } from '../../core/client-config.js';
import type { Endpoint } from '../../core/endpoint.js';
import { runDriver, type AttemptRecord, type DriverResult } from '../../load/driver/index.js';
import { workloadByName } from '../../load/workloads/index.js';
import { waitFor } from '../support/lab.js';
import { connectionsNamed, freezeServer, MemoryLedger, openSocketsTo } from '../support/driver-harness.js';

/**
 * The driver under the faults of an upgrade: a server that refuses connections, one that accepts
 * them and never answers, and one whose connection slots another client holds. Each time it must
 * keep its schedule, classify the failures, recover on its own, and leave nothing open.
 * CUTOVER_REFUSED_MS=60000 runs the refusing server for the 60 s of the acceptance criteria.
 */
const REFUSED_MS = Number(process.env.CUTOVER_REFUSED_MS ?? 12_000);
const RATE = 100;
const CONNECTIONS = 4;

interface LoadUnderTest {
  records: AttemptRecord[];
  ledger: MemoryLedger;
  /** Waits until `n` attempts due after `since` (epoch ms) succeeded. */
  okAfter(since: number, n?: number): Promise<void>;
  stop(): Promise<DriverResult>;
}

function startLoad(endpoint: Endpoint, applicationName: string, connections = CONNECTIONS): LoadUnderTest {
  const records: AttemptRecord[] = [];
  const ledger = new MemoryLedger();
  const controller = new AbortController();
  const done = runDriver({
    workload: workloadByName('writes-only'),
    endpoint,
    rate: RATE,
    connections,
    timeoutMs: 1000,
    ledger: async () => ledger,
    signal: controller.signal,
    onAttempt: (r) => records.push(r),
    applicationName,
  });
  // A crash of the driver must fail the test at once, not as a timeout.
  let crashed: unknown;
  done.catch((error: unknown) => (crashed = error));
  return {
    records,
    ledger,
    okAfter: async (since, n = RATE) => {
      await waitFor(
        async () => {
          if (crashed) throw crashed;
          return records.filter((r) => r.ok && r.dueAt >= since).length >= n;
        },
        `${n} successful attempts after ${new Date(since).toISOString()}`,
        60_000,
      );
    },
    stop: async () => {
      controller.abort();
      return done;
    },
  };
}

/** Attempts due in [from, to), by class ('ok' for successes). */
function classesBetween(records: AttemptRecord[], from: number, to: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    if (r.dueAt < from || r.dueAt >= to) continue;
    const k = r.ok ? 'ok' : (r.errorClass ?? 'other');
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** What every fault must leave behind: each attempt recorded once, nothing open. */
async function expectCleanEnd(server: LocalServer, load: LoadUnderTest, result: DriverResult, applicationName: string, ownSessions = 0): Promise<void> {
  expect(load.ledger.outcomes.size).toBe(result.ledgered.attempts);
  expect(load.records).toHaveLength(result.attempts);
  expect(result.abandoned).toBe(0);
  expect(result.connections.peakOpen).toBeLessThanOrEqual(CONNECTIONS);
  await waitFor(async () => (await connectionsNamed(server, applicationName)) === 0, 'the driver backends to exit', 10_000);
  expect(await openSocketsTo(server.port)).toBe(ownSessions);
}

describe('Node driver robustness', () => {
  it(`a server that refuses connections for ${REFUSED_MS / 1000} s: refused attempts, a polite reconnect loop, recovery, no leak`, async () => {
    await using server = await LocalServer.start({ version: '17', name: 'refusing' });
    const app = 'cutover-refused-test';
    const load = startLoad(server.endpoint(), app);
    await load.okAfter(0);
    await server.stop('immediate');
    const stoppedAt = Date.now();
    await sleep(REFUSED_MS); // the injected outage
    const restartAt = Date.now();
    await server.start();
    const startedAt = Date.now();
    await load.okAfter(startedAt);
    expect(await connectionsNamed(server, app)).toBeLessThanOrEqual(CONNECTIONS);
    const result = await load.stop();

    // While the server was down every attempt failed as refused, before sending: certainly not committed.
    const down = load.records.filter((r) => r.dueAt >= stoppedAt && r.dueAt < restartAt);
    expect(down.length).toBeGreaterThanOrEqual(Math.floor((REFUSED_MS * RATE) / 1000) - 2);
    expect(classesBetween(load.records, stoppedAt, restartAt)).toEqual({ refused: down.length });
    expect(down.every((r) => r.outcome === 'error' && load.ledger.outcomes.get(r.seq ?? -1) === 'error')).toBe(true);
    // Backoff: at most one connection attempt per 25 ms (half the 50 ms cap), yet it kept trying.
    expect(result.connections.failed).toBeLessThanOrEqual(REFUSED_MS / 25 + 10);
    expect(result.connections.failed).toBeGreaterThanOrEqual(REFUSED_MS / 50 - 10);
    // The end of the outage is seen within the backoff cap and one attempt interval of the server being ready.
    const firstOk = load.records.find((r) => r.ok && r.dueAt >= stoppedAt);
    expect(firstOk?.completedAt).toBeLessThan(startedAt + 50 + 1000 / RATE + 50);
    await expectCleanEnd(server, load, result, app);
  });

  it('a server that accepts connections but never answers (postmaster and backends frozen): timeouts, recovery, no leak', async () => {
    await using server = await LocalServer.start({ version: '17', name: 'frozen' });
    const app = 'cutover-frozen-test';
    const load = startLoad(server.endpoint(), app);
    await load.okAfter(0);
    const thaw = await freezeServer(server);
    const frozenAt = Date.now();
    try {
      await sleep(4000); // the injected freeze
    } finally {
      thaw();
    }
    const thawedAt = Date.now();
    await load.okAfter(thawedAt);
    expect(await connectionsNamed(server, app)).toBeLessThanOrEqual(CONNECTIONS);
    const result = await load.stop();

    // Attempts due while frozen, and whose deadline passed before the thaw, timed out.
    const classes = classesBetween(load.records, frozenAt + 50, thawedAt - 1050);
    expect(Object.keys(classes)).toEqual(['timeout']);
    expect(classes.timeout).toBeGreaterThanOrEqual(250);
    // Those sent on a connection that then hung may have committed; those that never got one did not.
    const frozen = load.records.filter((r) => r.dueAt >= frozenAt && r.dueAt < thawedAt - 1050 && !r.ok);
    expect(frozen.some((r) => r.outcome === 'unknown' && r.sentAt !== undefined)).toBe(true);
    expect(frozen.filter((r) => r.sentAt === undefined).every((r) => r.outcome === 'error')).toBe(true);
    expect(result.errors.timeout).toBeGreaterThanOrEqual(250);
    await expectCleanEnd(server, load, result, app);
  });

  it('max_connections exhausted by another client: sqlstate-53300 until the slots come back, then recovery, no leak', async () => {
    await using server = await LocalServer.start({
      version: '17',
      name: 'exhausted',
      settings: { max_connections: 10, superuser_reserved_connections: 3 },
    });
    {
      await using admin = await server.admin();
      await admin.query(`CREATE ROLE soak LOGIN PASSWORD 'soak'`);
      await admin.query(`GRANT CREATE ON DATABASE postgres TO soak`);
      await admin.query(`CREATE ROLE hog LOGIN PASSWORD 'hog'`);
    }
    const app = 'cutover-exhausted-test';
    const load = startLoad(server.endpoint('postgres', 'soak', 'soak'), app, 3);
    await load.okAfter(0);
    const hog: pg.Client[] = [];
    try {
      // The admin session stays open through the exhaustion: closing it would free a slot.
      await using admin = await server.admin();
      // Keep the driver out while the other client takes every slot left (the superuser keeps its reserved ones).
      await admin.query(`ALTER ROLE soak CONNECTION LIMIT 0`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'soak'`);
      await waitFor(async () => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'soak'`))[0]?.n === 0, 'the driver backends to exit');
      // A refused connection attempt of the driver holds a slot while it authenticates: the slots
      // are full only once several attempts in a row over a while were refused.
      for (let refusedInARow = 0; refusedInARow < 5; ) {
        const client = new pg.Client(toClientConfig(server.endpoint('postgres', 'hog', 'hog'), false));
        client.on('error', () => {});
        try {
          await client.connect();
          hog.push(client);
          refusedInARow = 0;
        } catch (error) {
          expect((error as { code?: string }).code).toBe('53300');
          refusedInARow++;
          await sleep(50);
        }
      }
      // Seven slots for roles without superuser: the admin session may hold one of them.
      expect(hog.length).toBeGreaterThanOrEqual(6);
      await admin.query(`ALTER ROLE soak CONNECTION LIMIT -1`);
      const exhaustedAt = Date.now();
      await sleep(3000); // the injected exhaustion
      const releaseAt = Date.now();
      await Promise.all(hog.splice(0).map((c) => c.end()));
      const releasedAt = Date.now();
      await load.okAfter(releasedAt);
      const result = await load.stop();

      // Attempts due in the last timeout before the release may wait for a slot and then succeed:
      // only those that could not have are counted.
      const classes = classesBetween(load.records, exhaustedAt, releaseAt - 1050);
      expect(classes).toEqual({ 'sqlstate-53300': classes['sqlstate-53300'] });
      expect(classes['sqlstate-53300']).toBeGreaterThanOrEqual(150);
      // The server said why: its slots were full (the non-reserved ones), not the role's limit.
      expect(await server.logTail(2000)).toMatch(/remaining connection slots are reserved|sorry, too many clients already/);
      await expectCleanEnd(server, load, result, app, 1); // the admin session is still open
    } finally {
      await Promise.all(hog.map((c) => c.end().catch(() => {})));
    }
  });
});
