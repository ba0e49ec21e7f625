import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionContext } from '../../scenarios/actions/action-types.js';
import { logicalBluegreenAction } from '../../scenarios/actions/logical-bluegreen.js';
import { openEndpointSwitch, type EndpointSwitch } from '../../scenarios/endpoint-switch/index.js';
import { captureResumePoint, lateWrites, type ResumePoint } from '../../scenarios/late-writes.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { soakStep } from '../../scenarios/soak-step.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';
import { provisionCluster } from '../../scenarios/topology/provision.js';
import { RunTopology } from '../../scenarios/topology/topology.js';
import { SoakRun, type SoakRunResult } from '../../load/soak-run.js';
import { verifyRunLedger } from '../../load/soak-verify.js';
import { prepareWorkload, workloadByName } from '../../load/workloads/index.js';
import { writersTableDdl } from '../../load/writer-registry.js';
import type { LedgerVerification } from '../../load/verify-ledger.js';
import type { StepRecord } from '../../run/manifest.js';
import type { Session } from '../../core/session.js';
import { waitFor } from '../support/lab.js';
import { blueCluster, TestActionContext } from '../support/action-context.js';
import { LocalServer } from '../../scenarios/providers/index.js';

const lab = findLab();
const green17 = lab?.bindir(17);
const pgbouncer = lab?.pgbouncer();
const SCHEMA = 'cutover';
const workload = workloadByName('notifications', 'workload');

interface Rehearsal {
  record: StepRecord;
  /** Epoch ms the switch was blocked and resumed. */
  switched: { blockedAt: number; resumedAt: number };
  details: Record<string, unknown>;
  soak: SoakRunResult;
  verification: LedgerVerification;
  resumePoints: ResumePoint[];
  blue: Cluster;
  green: Cluster;
  topology: RunTopology;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/**
 * A logical blue/green 15 -> 17 as the runner runs it, without the runner: an embedded 15 blue
 * with the soak's schema and a table with a sequence, the endpoint switch in front of it, a soak
 * through the switch, the action as a step, then the ledger verified on green.
 */
/** What a test hook sees when a phase of the action starts. */
interface PhaseHookContext {
  green: Cluster | undefined;
  soak: SoakRun;
  details: Record<string, unknown>;
}

async function rehearse(o: { style: 'hard' | 'pause'; params?: Record<string, unknown>; onPhase?: (name: string, c: PhaseHookContext) => Promise<void> }): Promise<Rehearsal> {
  const runDir = await mkdtemp(join(tmpdir(), 'cutover-logical-test-'));
  cleanups.push(() => rm(runDir, { recursive: true, force: true }));
  const log = (): void => {};
  const blue = await provisionCluster('blue', { provider: 'embedded', version: '15' }, { database: 'app', log });
  const topology = new RunTopology(blue);
  cleanups.push(() => topology.close());
  {
    await using app = await blue.admin();
    await prepareWorkload(app, workload, SCHEMA);
    for (const statement of writersTableDdl(SCHEMA)) await app.query(statement);
    await app.query(`CREATE TABLE public.items (id serial PRIMARY KEY, note text); INSERT INTO public.items (note) SELECT 'n' || g FROM generate_series(1, 500) g;
      CREATE MATERIALIZED VIEW public.item_count AS SELECT count(*) AS n FROM public.items`);
  }
  const sw: EndpointSwitch = await openEndpointSwitch({ style: o.style, target: blue.endpoint(), pgbouncerPath: pgbouncer });
  cleanups.push(() => sw.close());
  const pooled = o.style === 'pause';
  const soak = new SoakRun({
    endpoint: sw.endpoint('app'),
    runDir,
    workload,
    rate: 200,
    schema: SCHEMA,
    timeoutMs: pooled ? 10_000 : 1_000,
    unnamedStatements: pooled,
    probe: { intervalMs: 20, ...(pooled ? { timeoutMs: 10_000 } : {}) },
    // The local switchover stalls clients for tens of milliseconds: a low threshold shows it.
    degradedThresholdMs: 20,
  });
  cleanups.push(async () => {
    soak.stop();
    await soak.done.catch(() => {});
  });
  expect(await soak.waitServing(30_000)).toBe(true);
  const okBefore = soak.live().driver.ok;
  await waitFor(async () => soak.live().driver.ok > okBefore + 200, '200 successes on blue before the step');

  const scenario = scenarioSchema.parse({
    name: 'logical-test',
    blue: { provider: 'embedded', version: '15' },
    green: { provider: 'bindir', bindir: green17 },
    switchover: o.style,
    dataset: false,
    soak: false,
    steps: [{ action: 'logical-bluegreen' }],
  });
  const details: Record<string, unknown> = {};
  const resumePoints: ResumePoint[] = [];
  const params = logicalBluegreenAction.params.parse(o.params ?? {});
  // Test hooks run when a phase starts; the switch waits for them before it blocks or resumes,
  // so that what a hook sets up (a lock on green) is in place when the switchover needs it.
  const hooks: Promise<void>[] = [];
  const switched = { blockedAt: 0, resumedAt: 0 };
  const settled = () => Promise.all(hooks).then(() => undefined);
  const hookedSwitch: EndpointSwitch = {
    style: sw.style,
    get target() {
      return sw.target;
    },
    endpoint: (database) => sw.endpoint(database),
    block: () => settled().then(() => ((switched.blockedAt = Date.now()), sw.block())),
    // A local switchover holds clients for about as long as the 20 ms degraded threshold, so
    // whether the stall shows would be chance: the pause style's repoint is made slow on purpose
    // (as a repoint through DNS or a config push is), holding clients 150 ms from the block.
    repoint: (target) =>
      (o.style === 'pause' ? new Promise<void>((r) => setTimeout(r, Math.max(0, switched.blockedAt + 150 - Date.now()))) : Promise.resolve()).then(() => sw.repoint(target)),
    resume: () => settled().then(() => sw.resume().then(() => void (switched.resumedAt = Date.now()))),
    close: () => sw.close(),
    [Symbol.asyncDispose]: () => sw.close(),
  };
  const record = await soakStep(soak, { name: 'logical', action: 'logical-bluegreen' }, async (timer) => {
    const ctx: ActionContext = {
      scenario,
      topology,
      endpointSwitch: hookedSwitch,
      runDir,
      async provision(role, spec, options) {
        const cluster = await provisionCluster(role, spec, { ...options, database: scenario.database, log });
        topology.add(cluster);
        return cluster;
      },
      async artifactDir() {
        const dir = join(runDir, 'steps', '01-logical-bluegreen');
        await mkdir(dir, { recursive: true });
        return dir;
      },
      phase(name) {
        timer.phase(name);
        const hook = o.onPhase?.(name, { green: topology.has('green') ? topology.get('green') : undefined, soak, details });
        if (hook) hooks.push(hook);
      },
      detail: (key, value) => void (details[key] = value),
      log,
      signal: new AbortController().signal,
      writerMoved: (role) => void (topology.writer = role),
      markResume: async (cluster, previous) => void resumePoints.push(await captureResumePoint({ runDir, cluster, schema: SCHEMA, ...(previous ? { previous } : {}) })),
    };
    await logicalBluegreenAction.run(ctx, params);
    await settled();
  });
  expect(record.error).toBeUndefined();
  expect(record.status).toBe('ok');
  const green = topology.get('green');
  const okAfter = soak.live().driver.ok;
  await waitFor(async () => soak.live().driver.ok > okAfter + 200, '200 successes on green after the step');
  soak.stop();
  const result = await soak.done;
  const { verification } = await verifyRunLedger({ runDir, endpoint: green.endpoint(), schema: SCHEMA, idsCap: Infinity });
  return { record, switched, details, soak: result, verification, resumePoints, blue, green, topology };
}

function phaseNames(record: StepRecord): string[] {
  return (record.phases ?? []).map((p) => p.name);
}

async function eventIds(db: Session): Promise<Set<string>> {
  const rows = await db.query<{ id: string }>(`SELECT id::text AS id FROM ${SCHEMA}.events`);
  return new Set(rows.map((r) => r.id));
}

describe.skipIf(!green17)('logical-bluegreen 15 -> 17 with the soak running through it (skipped without the lab\'s PostgreSQL 17)', () => {
  it('hard cut: an outage window, zero lost, every phase timed, sequences advanced, replication dropped', async () => {
    const r = await rehearse({ style: 'hard' });
    expect(phaseNames(r.record)).toEqual(['schema', 'publish', 'initial-copy', 'materialized-views', 'analyze', 'catch-up', 'block', 'drain', 'validate-data', 'sequences', 'repoint', 'resume', 'resume-point', 'cleanup']);
    expect(r.details.style).toBe('hard');
    expect(r.details.subscription).toMatch(/^cutover_bluegreen_/);
    expect(r.details.replicaIdentityFull).toEqual(['cutover.events']);
    expect(r.topology.writer).toBe('green');
    expect(r.soak.lanes.driver.outages.length).toBeGreaterThan(0);
    expect(r.soak.driver.failed).toBeGreaterThan(0);
    expect(r.verification.lost).toBe(0);
    expect(r.verification.unexpected).toBe(0);
    expect(r.verification.duplicated).toBe(0);
    expect(r.resumePoints).toHaveLength(1);
    expect(r.resumePoints[0]?.missing).toEqual([]);
    expect(lateWrites(r.resumePoints, r.verification).late).toBe(0);
    // Sequences: green continues past blue's last value; replication is gone from both sides.
    expect(r.details.sequencesAdvanced).toBeGreaterThanOrEqual(1);
    await using greenDb = await r.green.admin();
    const [next] = await greenDb.query<{ id: number }>(`INSERT INTO public.items (note) VALUES ('on green') RETURNING id`);
    expect(next?.id).toBeGreaterThan(500);
    expect(await greenDb.query(`SELECT 1 FROM pg_subscription`)).toEqual([]);
    // What replication does not carry: the materialized view is populated, statistics exist.
    expect(r.details.materializedViewsRefreshed).toEqual(['public.item_count']);
    expect(await greenDb.query(`SELECT n::int AS n FROM public.item_count`)).toEqual([{ n: 500 }]);
    expect(await greenDb.query(`SELECT 1 FROM pg_stats WHERE schemaname = 'public' AND tablename = 'items' LIMIT 1`)).toHaveLength(1);
    await using blueDb = await r.blue.admin();
    expect(await blueDb.query(`SELECT 1 FROM pg_replication_slots`)).toEqual([]);
    expect(await blueDb.query(`SELECT 1 FROM pg_publication`)).toEqual([]);
  });

  it.skipIf(!pgbouncer)('pause (PgBouncer): zero failed attempts, a degraded window, zero lost', async () => {
    const r = await rehearse({ style: 'pause' });
    expect(r.details.style).toBe('pause');
    expect(r.soak.driver.failed).toBe(0);
    expect(r.soak.lanes.driver.outages).toEqual([]);
    // A degraded window spans the time clients were held at the switch.
    const stall = r.soak.lanes.driver.degraded.find((w) => w.start <= r.switched.resumedAt && w.end >= r.switched.blockedAt);
    expect(stall, JSON.stringify(r.soak.lanes.driver.degraded)).toBeDefined();
    expect(r.verification.lost).toBe(0);
    expect(r.verification.unexpected).toBe(0);
    expect(r.verification.duplicated).toBe(0);
  });

  /**
   * Green's apply is stopped from the catch-up on (the subscription disabled, then 50 more writes
   * acknowledged on blue, about half of them ledgered inserts), so that blue is certainly ahead when the switchover skips the drain.
   */
  async function holdApply(name: string, c: PhaseHookContext): Promise<void> {
    if (name !== 'catch-up' || !c.green) return;
    await using green = await c.green.admin();
    await green.query(`ALTER SUBSCRIPTION ${String(c.details.subscription)} DISABLE`);
    const ok = c.soak.live().driver.ok;
    await waitFor(async () => c.soak.live().driver.ok > ok + 50, '50 writes on blue that green does not apply');
  }

  it.skipIf(!pgbouncer)('broken variant (no wait for catch-up, replication dropped at the switch): the lost events are reported exactly', async () => {
    const r = await rehearse({ style: 'pause', params: { waitForCatchUp: false, dropAtSwitch: true }, onPhase: holdApply });
    expect(phaseNames(r.record)).toEqual(['schema', 'publish', 'initial-copy', 'materialized-views', 'analyze', 'catch-up', 'block', 'drop-subscription', 'validate-data', 'sequences', 'repoint', 'resume', 'resume-point', 'cleanup']);
    expect(r.verification.lost).toBeGreaterThanOrEqual(10);
    // Exactly the acknowledged ids blue has and green lacks (a pause leaves no write in doubt).
    await using blueDb = await r.blue.admin();
    await using greenDb = await r.green.admin();
    const onGreen = await eventIds(greenDb);
    const blueOnly = [...(await eventIds(blueDb))].filter((id) => !onGreen.has(id)).sort();
    expect([...r.verification.ids.lost].sort()).toEqual(blueOnly);
    expect(r.verification.lost).toBe(blueOnly.length);
    // Missing when writes resumed on green, and never arrived: lost, not late.
    expect(r.resumePoints[0]?.missing.map(String).sort()).toEqual(blueOnly);
    const late = lateWrites(r.resumePoints, r.verification);
    expect(late.late).toBe(0);
    expect(late.neverArrived).toBe(blueOnly.length);
  });

  it('no wait for catch-up, replication kept: what green lacked at the resume arrives late, nothing is lost', async () => {
    const r = await rehearse({
      style: 'hard',
      params: { waitForCatchUp: false },
      async onPhase(name, c) {
        await holdApply(name, c);
        // Replication resumes once writes go to green (the resume point is taken by then).
        if (name === 'cleanup' && c.green) {
          await using green = await c.green.admin();
          await green.query(`ALTER SUBSCRIPTION ${String(c.details.subscription)} ENABLE`);
        }
      },
    });
    const missing = r.resumePoints[0]?.missing ?? [];
    expect(missing.length).toBeGreaterThanOrEqual(10);
    expect(r.verification.lost).toBe(0);
    const late = lateWrites(r.resumePoints, r.verification);
    expect(late.late).toBe(missing.length);
    expect(late.lateIds).toEqual([...missing].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(late.neverArrived).toBe(0);
  });
});

describe('lateWrites', () => {
  const final = (lost: string[], count = lost.length) => ({ lost: count, ids: { lost, unexpected: [], duplicated: [] } }) as unknown as LedgerVerification;
  const point: ResumePoint = { role: 'green', at: '2026-01-01T00:00:00.000Z', missing: [5n, 7n, 9n] };

  it('sorts ids missing at the resume into late (arrived) and never arrived', () => {
    expect(lateWrites([point], final(['7']))).toEqual({ late: 2, lateIds: [5n, 9n], neverArrived: 1, exact: true });
  });

  it('counts ids past the last lost id listed in neither figure when the final list was capped', () => {
    // 3 lost but only id 7 listed: 9 may be lost or late, so it is not counted.
    expect(lateWrites([point], final(['7'], 3))).toEqual({ late: 1, lateIds: [5n], neverArrived: 1, exact: false });
  });
});

describe('logical-bluegreen refuses what it cannot do, with errors naming the field', () => {
  it('without an endpoint switch, and without green tools (embedded green, no lab): clear errors, nothing left replicating', async () => {
    await using server = await LocalServer.start({ version: '15', settings: { wal_level: 'logical' } });
    const blue = await blueCluster(server, { provider: 'embedded' });
    await using ctx = await TestActionContext.create({ scenario: { name: 'refusals', green: { provider: 'embedded', version: '17' } }, blue });
    const noSwitch = await ctx.runStep(logicalBluegreenAction);
    expect(noSwitch.status).toBe('failed');
    expect(noSwitch.error?.message).toMatch(/logical-bluegreen: expected an endpoint switch/);

    await using sw = await openEndpointSwitch({ style: 'hard', target: blue.endpoint() });
    ctx.endpointSwitch = sw;
    const saved = process.env.CUTOVER_LAB_DIR;
    process.env.CUTOVER_LAB_DIR = join(tmpdir(), 'cutover-no-lab-here');
    try {
      const noTools = await ctx.runStep(logicalBluegreenAction);
      expect(noTools.status).toBe('failed');
      expect(noTools.error?.message).toMatch(/scenario: field "green": expected a PostgreSQL 17 installation with pg_dump, psql/);
    } finally {
      if (saved === undefined) delete process.env.CUTOVER_LAB_DIR;
      else process.env.CUTOVER_LAB_DIR = saved;
    }
    await using db = await blue.admin();
    expect(await db.query(`SELECT 1 FROM pg_publication`)).toEqual([]);
  });
});
