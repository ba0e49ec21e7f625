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
import { workloadByName } from '../../load/workloads/index.js';
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
  let runDir: string;

  beforeAll(async () => {
    runDir = await mkdtemp(join(tmpdir(), 'cutover-multihost-soak-'));
    primary = await startPrimary('mh-soak-primary');
    standby = await startStandby(primary, 'mh-soak-standby');
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([standby?.close(), primary?.close()]);
    await rm(runDir, { recursive: true, force: true });
  });

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
