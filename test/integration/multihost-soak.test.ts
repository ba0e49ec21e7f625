import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../core/resolve-endpoint.js';
import type { LocalServer } from '../../scenarios/providers/index.js';
import { SoakRun, type SoakRunResult } from '../../load/soak-run.js';
import { verifyRunLedger } from '../../load/soak-verify.js';
import { readTimeline } from '../../load/timeline-reader.js';
import { describeWriterChange, writerChanges } from '../../load/writer-changes.js';
import { prepareWorkload, workloadByName } from '../../load/workloads/index.js';
import { writersTableDdl } from '../../load/writer-registry.js';
import { waitFor } from '../support/lab.js';
import { MULTIHOST_PASSWORD, multihostLabReady, startPrimary, startStandby } from '../support/multihost-servers.js';

/**
 * The soak follows the primary through a failover, as an application with a libpq multi-host
 * string does: `host=A,B target_session_attrs=read-write`; A (the primary) crashes, its real
 * streaming standby B is promoted, and the load's reconnects find B. The timeline says which
 * server the successes ran on each second, so the failover shows as a writer change.
 */

const ready = multihostLabReady();

describe.skipIf(!ready)(`the soak through a failover on a multi-host string${ready ? '' : ' (skipped: the upgrade lab has no PostgreSQL 15, run scripts/lab.sh)'}`, () => {
  let primary: LocalServer;
  let standby: LocalServer;
  let other: LocalServer;
  let runDir: string;
  let flipDir: string;

  beforeAll(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cutover-multihost-soak-'));
    flipDir = await mkdtemp(join(tmpdir(), 'cutover-multihost-flip-'));
    [primary, other] = await Promise.all([startPrimary('mh-soak-primary'), startPrimary('mh-soak-other')]);
    standby = await startStandby(primary, 'mh-soak-standby');
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([standby?.close(), primary?.close(), other?.close()]);
    await rm(runDir, { recursive: true, force: true });
    await rm(flipDir, { recursive: true, force: true });
  });

  /** default_transaction_read_only for the whole server, applied to its sessions by a reload. */
  async function setReadOnly(server: LocalServer, on: boolean): Promise<void> {
    await using admin = await server.admin();
    await admin.query(`ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
    await admin.query('SELECT pg_reload_conf()');
  }

  it('a read-only flip moves the load: connections on the server turned read-only are left, the next ones find the writable host', async () => {
    // Another server that will take over, with the soak's tables, read-only for now.
    const workload = workloadByName('writes-only');
    {
      await using db = await other.admin();
      await prepareWorkload(db, workload, 'cutover');
      for (const statement of writersTableDdl('cutover')) await db.query(statement);
    }
    await setReadOnly(other, true);
    const a = `127.0.0.1:${primary.port}`;
    const b = `127.0.0.1:${other.port}`;
    const endpoint = resolveEndpoint({ url: `postgresql://postgres@${a},${b}/postgres?target_session_attrs=read-write` }, { PGPASSWORD: MULTIHOST_PASSWORD }, flipDir, () => {});
    const soak = new SoakRun({ endpoint, runDir: flipDir, workload, rate: 100, schema: 'cutover', timeoutMs: 1_000, probe: { intervalMs: 50 }, degradedThresholdMs: 200 });
    let result: SoakRunResult;
    try {
      expect(await soak.waitServing(30_000)).toBe(true);
      await waitFor(async () => soak.live().driver.ok >= 100, '100 successes on the first host');
      // The flip, as an operator (or a tool) does it: the old writer read-only first, then the new one writable.
      await setReadOnly(primary, true);
      await setReadOnly(other, false);
      const okAtFlip = soak.live().driver.ok;
      await waitFor(async () => soak.live().driver.ok >= okAtFlip + 100 && soak.serving, '100 successes after the flip', 30_000);
    } finally {
      soak.stop();
      result = await soak.done;
      await setReadOnly(primary, false);
    }
    expect(result.writerServers.changes).toMatchObject([{ from: a, to: b, fromPrimary: true, toPrimary: true }]);
    // The pool's connections on the old writer failed once each (read-only), then were left.
    const readOnlyFailures = result.driver.errors['read-only'] ?? 0;
    expect(readOnlyFailures).toBeGreaterThan(0);
    expect(readOnlyFailures).toBeLessThan(50);
    // The probe lane saw it too (its SELECT 1 alone would still succeed there), and moved.
    const probeReadOnly = result.lanes.probe?.errors?.['read-only'] ?? 0;
    expect(probeReadOnly).toBeGreaterThan(0);
    console.log(`read-only flip: probe ${probeReadOnly} read-only, load ${readOnlyFailures} read-only failures, then the load wrote to ${b}; errors ${JSON.stringify(result.driver.errors)}`);
  }, 60_000);

  it('writes continue on the promoted standby, and the timeline shows the writer change', async () => {
    const a = `127.0.0.1:${primary.port}`;
    const b = `127.0.0.1:${standby.port}`;
    const endpoint = resolveEndpoint({ url: `postgresql://postgres@${a},${b}/postgres?target_session_attrs=read-write&connect_timeout=2` }, { PGPASSWORD: MULTIHOST_PASSWORD }, runDir, () => {});
    const soak = new SoakRun({
      endpoint,
      runDir,
      workload: workloadByName('writes-only'),
      rate: 100,
      schema: 'cutover',
      timeoutMs: 1_000,
      probe: { intervalMs: 50 },
      degradedThresholdMs: 200,
    });
    let result: SoakRunResult;
    try {
      expect(await soak.waitServing(30_000)).toBe(true);
      await waitFor(async () => soak.live().driver.ok >= 150, '150 successes on the primary');
      // The failover: the primary crashes, the standby is promoted.
      await primary.stop('immediate');
      const cutAt = Date.now();
      await standby.run('pg_ctl', ['promote', '-D', standby.dataDir, '-w', '-t', '60']);
      const okAtPromote = soak.live().driver.ok;
      await waitFor(async () => soak.live().driver.ok >= okAtPromote + 150 && soak.serving, '150 successes after the promotion', 30_000);
      console.log(`failover: the load served again ${Date.now() - cutAt} ms after the primary crashed (promotion included)`);
    } finally {
      soak.stop();
      result = await soak.done;
    }

    // The run's own record: one writer change, from A (a primary) to B (a primary once promoted).
    expect(result.writerServers.seen).toEqual([a, b]);
    expect(result.writerServers.changes).toHaveLength(1);
    const change = result.writerServers.changes[0];
    expect(change).toMatchObject({ from: a, to: b, fromPrimary: true, toPrimary: true });
    if (change) console.log(describeWriterChange(change));

    // The timeline on disk says the same, second by second.
    const timeline = await readTimeline(runDir);
    expect(writerChanges(timeline)).toEqual(result.writerServers.changes);
    const before = timeline.filter((s) => s.second < (change?.second ?? 0) && s.writers);
    const after = timeline.filter((s) => s.second >= (change?.second ?? 0) && s.writers);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // Only the second of the failover itself may hold successes on both (A's last, then B's first).
    expect(before.every((s) => s.writers?.[a] !== undefined)).toBe(true);
    expect(after.every((s) => s.writers?.[a] === undefined && s.writers?.[b] !== undefined)).toBe(true);
    expect(timeline.filter((s) => Object.keys(s.writers ?? {}).length > 1).length).toBeLessThanOrEqual(1);
    expect(timeline.reduce((n, s) => n + (s.writers?.[b]?.ok ?? 0), 0)).toBeGreaterThanOrEqual(150);

    // The same multi-host string finds the new primary for verification.
    const { verification } = await verifyRunLedger({ runDir, endpoint, schema: 'cutover' });
    expect(verification.confirmed).toBeGreaterThan(0);
    console.log(`failover figures: ${result.driver.ok} ok of ${result.driver.attempts} attempts, errors ${JSON.stringify(result.driver.errors)}; ledger: ${verification.confirmed} confirmed, ${verification.lost} lost, ${verification.recovered} recovered, ${verification.notCommitted} not committed`);
  }, 90_000);
});
