import { describe, expect, it } from 'vitest';
import { dumpRestoreAction } from '../../scenarios/actions/dump-restore.js';
import type { Endpoint } from '../../core/endpoint.js';
import { openSession, type Session } from '../../core/session.js';
import { openEndpointSwitch } from '../../scenarios/endpoint-switch/index.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';
import { TestActionContext, blueCluster, type StepOutcome } from '../support/action-context.js';
import { labBindir, labReady, startLabServer } from '../support/lab.js';
import { DOC_ROWS, clearForeignAttributeOptions, docCount, seedUpgradeFixture, vectorIndexes } from '../support/upgrade-fixtures.js';

/**
 * dump-restore from the lab's Debian 15 (pgvector) into the lab's 18, with a writer inserting
 * through the step: writes stop before the dump (read-only database, or an endpoint switch
 * blocking), every acknowledged insert is on green after, and the roles came along.
 */

const lab = labReady(15, 18);

function timings(step: StepOutcome): string {
  return `${step.durationMs} ms (${step.phases.map((p) => `${p.name} ${p.durationMs}`).join(', ')})`;
}

/** Inserts ids one by one through `endpoint()` until stopped, reconnecting after errors; returns the acknowledged ids. */
function startWriter(endpoint: () => Endpoint) {
  const acked: number[] = [];
  let failed = 0;
  let stop = false;
  const done = (async () => {
    let session: Session | undefined;
    for (let id = 1; !stop; id++) {
      try {
        session ??= await openSession(endpoint(), { readOnly: false, applicationName: 'test-writer' });
        await session.query(`INSERT INTO acks (id) VALUES ($1)`, [id]);
        acked.push(id);
      } catch {
        failed++;
        await session?.close();
        session = undefined;
      }
      // Paced so that a refused connection does not spin; not a wait for a state.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await session?.close();
  })();
  return {
    acked,
    failed: () => failed,
    stop: async () => {
      stop = true;
      await done;
    },
  };
}

async function labBlue(o: { keepAttributeOptions?: boolean } = {}): Promise<Cluster> {
  const server = await startLabServer(15, { name: 'dr-blue-15' });
  const blue = await blueCluster(server, { provider: 'bindir', toolsBindir: labBindir(15) });
  await using app = await blue.admin();
  await seedUpgradeFixture(app, { vector: true });
  await app.query(`CREATE TABLE acks (id int PRIMARY KEY)`);
  if (!o.keepAttributeOptions) await clearForeignAttributeOptions(app);
  return blue;
}

async function ackedOn(cluster: Cluster, ids: number[]): Promise<number> {
  await using app = await cluster.admin();
  const [row] = await app.query<{ n: string }>(`SELECT count(*) AS n FROM acks WHERE id = ANY($1::int[])`, [ids]);
  return Number(row?.n);
}

describe.skipIf(!lab)(`dump-restore 15 -> 18 on lab servers${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  it('without a switch: blue read-only, every acknowledged write and the roles on green, clients told to repoint', { timeout: 90_000 }, async () => {
    const blue = await labBlue();
    await using ctx = await TestActionContext.create({ scenario: { name: 'dr-18', green: { provider: 'bindir', bindir: labBindir(18) } }, blue });
    const writer = startWriter(() => blue.endpoint());
    await waitForAcks(writer.acked);
    const step = await ctx.runStep(dumpRestoreAction, { jobs: 2 });
    await writer.stop();
    console.log(`dump-restore 15 -> 18 (read-only block): ${timings(step)}; ${writer.acked.length} acked, ${writer.failed()} refused`);
    expect(step.error, step.thrown instanceof Error ? step.thrown.message : undefined).toBeUndefined();
    expect(step.phases.map((p) => p.name)).toEqual(['provision', 'block', 'dump', 'restore', 'analyze', 'switch', 'validate-data']);
    const green = ctx.topology.get('green');
    expect(green.major).toBe(18);
    expect(ctx.topology.writer).toBe('green');
    expect(step.details).toMatchObject({ blockedBy: 'database app read-only', clientsMustRepoint: true, jobs: 2 });
    expect(writer.failed()).toBeGreaterThan(0);
    expect(await ackedOn(green, writer.acked)).toBe(writer.acked.length);
    expect(await docCount(green)).toBe(DOC_ROWS);
    expect(await vectorIndexes(green)).toEqual([
      { index: 'docs_hnsw', method: 'hnsw', valid: true },
      { index: 'docs_ivf', method: 'ivfflat', valid: true },
    ]);
    await using reader = await openSession({ ...green.endpoint(), user: 'app_reader', password: 'reader-secret' });
    expect((await reader.query<{ n: string }>(`SELECT count(*) AS n FROM docs`))[0]?.n).toBe(String(DOC_ROWS));
  });

  it('through a hard endpoint switch: blocked, repointed to green, writes resume there', { timeout: 90_000 }, async () => {
    const blue = await labBlue();
    await using sw = await openEndpointSwitch({ style: 'hard', target: blue.endpoint() });
    await using ctx = await TestActionContext.create({ scenario: { name: 'dr-18-switch', green: { provider: 'bindir', bindir: labBindir(18) } }, blue, endpointSwitch: sw });
    const writer = startWriter(() => sw.endpoint('app'));
    await waitForAcks(writer.acked);
    const step = await ctx.runStep(dumpRestoreAction, { jobs: 2 });
    const ackedAtSwitch = writer.acked.length;
    await waitForAcks(writer.acked, ackedAtSwitch + 20);
    await writer.stop();
    console.log(`dump-restore 15 -> 18 (hard switch): ${timings(step)}; ${writer.acked.length} acked, ${writer.failed()} refused`);
    expect(step.error, step.thrown instanceof Error ? step.thrown.message : undefined).toBeUndefined();
    expect(step.details).toMatchObject({ blockedBy: 'endpoint switch (hard)', switch: 'repointed to green (hard)' });
    const green = ctx.topology.get('green');
    expect(sw.target.port).toBe(green.endpoint().port);
    expect(await ackedOn(green, writer.acked)).toBe(writer.acked.length);
  });

  it("refuses a blue with Debian 15.20's pg_attver column options before blocking writes", { timeout: 60_000 }, async () => {
    const blue = await labBlue({ keepAttributeOptions: true });
    await using ctx = await TestActionContext.create({ scenario: { name: 'dr-attver', green: { provider: 'bindir', bindir: labBindir(18) } }, blue });
    const step = await ctx.runStep(dumpRestoreAction, {});
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(/dump-restore: \d+ column\(s\) carry attribute options .*\(pg_attver\)/);
    expect(step.phases).toEqual([]);
    await using app = await blue.admin();
    await app.query(`INSERT INTO acks VALUES (-1)`);
  });
});

/** Polls until the writer has at least `n` acknowledged ids (default 10). */
async function waitForAcks(acked: number[], n = 10, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (acked.length < n) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} acknowledged writes (have ${acked.length})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
