import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { formatMs } from '../../core/duration.js';
import { CutoverError } from '../../core/errors.js';
import { analyzeGreen, copySchema, createPublication, createSubscription, dropReplication, ensureReplicaIdentity, pollUntil, refreshMaterializedViews, SCHEMA_TOOLS, slotLag, subscribedTables, tablesNotReady, type Replication } from '../logical/index.js';
import { switchover, waitForPosition } from '../logical/switchover.js';
import { toolsBindirOf } from '../upgrade/tool-bindir.js';
import { createDatasetSchema } from '../logical/dataset-schema.js';
import { LagSampler } from '../logical/lag-sampler.js';
import { upgradeProblems } from './upgrade-rules.js';
import { defineAction, type ActionContext } from './action-types.js';
import { durationParam } from './duration-param.js';
import { dataSettings } from '../data/data-settings.js';
import { validateStepData } from '../data/step-validation.js';

/**
 * `logical-bluegreen`: what RDS Blue/Green does, on local servers. Green (the scenario's `green`,
 * a newer major) gets blue's roles and schema, a subscription to a publication of all of blue's
 * tables copies the data and follows the changes; materialized views are refreshed and statistics
 * gathered on green; once the lag is within a bound, the switchover
 * stops clients at the endpoint switch, waits for zero lag, advances sequences, moves the switch
 * to green and lets clients through. Replication is then dropped; blue keeps running until the
 * run ends.
 */
export const logicalBluegreenAction = defineAction({
  name: 'logical-bluegreen',
  summary: 'green of the new major by logical replication (schema, publication, initial copy, catch-up), then a switchover through the endpoint switch',
  usesEndpointSwitch: true,
  params: z
    .object({
      catchUpLagBytes: z.number().int().nonnegative().default(1024 * 1024).describe("The lag (bytes of blue's WAL) under which the switchover may start. Default 1 MB; the drain then waits for zero."),
      catchUpTimeout: durationParam({ minMs: 1 }).default(5 * 60_000).describe('Longest wait of each of initial copy, catch-up and drain. Default 5 minutes.'),
      waitForCatchUp: z.boolean().default(true).describe('false: switch without waiting for zero lag (a deliberately broken variant: what green lacked arrives late).'),
      dropAtSwitch: z.boolean().default(false).describe('Drop the subscription right after the block rather than after the switchover (with waitForCatchUp false: lost, not late).'),
      sequenceMargin: z.number().int().nonnegative().default(1000).describe("Increments each sequence is set past blue's last value on green. Default 1000."),
    })
    .strict(),
  title: (p, topology) =>
    `logical blue/green from ${topology.clusters.get(topology.writer)?.version || '?'}${p.waitForCatchUp ? '' : ' (without waiting for catch-up)'}${p.dropAtSwitch ? ', replication dropped at the switch' : ''}`,
  movesWriterTo: 'green',
  // The endpoint switch the switchover needs stands only in front of a blue cutover provisioned.
  validate: (_scenario, _p, plan) => upgradeProblems(plan, { green: ['embedded', 'bindir', 'container'], provisionedWriter: true }),
  async run(ctx, p) {
    const blue = ctx.topology.get(ctx.topology.writer);
    const sw = ctx.endpointSwitch;
    if (!sw) {
      throw new CutoverError(
        'usage',
        `logical-bluegreen: expected an endpoint switch in front of "${blue.role}" (the runner puts one in front of a provisioned blue), got none (${blue.role} is ${blue.provider}; switch external servers with a command step)`,
      );
    }
    const greenSpec = ctx.scenario.green;
    if (!greenSpec || greenSpec.provider === 'external') {
      throw new CutoverError('usage', `logical-bluegreen: expected scenario field "green" to be an embedded, bindir or container provider, got ${greenSpec ? '"external"' : 'none'}`);
    }
    const password = blue.local?.password ?? blue.container?.password ?? blue.endpoint().password;
    // Green gets blue's superuser password: blue's roles come over with it, and clients keep theirs.
    const green = await ctx.provision('green', greenSpec, password ? { password } : {});
    if (green.major <= blue.major) {
      throw new CutoverError('usage', `logical-bluegreen: green must be a newer major than blue (${blue.version}), got PostgreSQL ${green.version}`);
    }
    // Without green's pg_dump, a blue cutover seeded itself gets its schema from the definitions.
    const seededByCutover = ctx.scenario.dataset !== false && blue.provider !== 'external';
    let bindir: string | undefined;
    try {
      bindir = toolsBindirOf(green, SCHEMA_TOOLS, 'scenario: field "green"');
    } catch (error) {
      if (!seededByCutover) throw error;
    }
    const r: Replication = { name: `cutover_bluegreen_${randomBytes(4).toString('hex')}`, blue, green };
    ctx.detail('style', sw.style);
    ctx.detail('subscription', r.name);
    ctx.detail('from', blue.version);
    ctx.detail('to', green.version);
    ctx.detail('waitForCatchUp', p.waitForCatchUp);
    ctx.detail('dropAtSwitch', p.dropAtSwitch);

    ctx.phase('schema');
    {
      await using blueDb = await blue.admin();
      const full = await ensureReplicaIdentity(blueDb);
      if (full.length) ctx.detail('replicaIdentityFull', full);
    }
    if (bindir) {
      const copied = await copySchema({ blue, green, bindir, artifactDir: await ctx.artifactDir(), signal: ctx.signal });
      ctx.detail('rolesCopied', copied.roles);
      ctx.detail('schemaFrom', `pg_dump of ${bindir}`);
      ctx.log(`logical-bluegreen: schema copied into green with ${bindir}`);
    } else {
      await createDatasetSchema({ blue, green, scenario: ctx.scenario });
      ctx.detail('schemaFrom', 'the dataset and soak definitions (no pg_dump for green)');
      ctx.log('logical-bluegreen: schema created on green from the dataset and soak definitions (no pg_dump of its version)');
    }

    let replicating = false;
    // The slot's lag, sampled for the report's chart from the subscription's creation until replication stops.
    let sampler: LagSampler | undefined;
    const stopSampler = async (): Promise<void> => {
      if (sampler) ctx.detail('replicationLag', await sampler.stop());
    };
    try {
      ctx.phase('publish');
      await createPublication(r);
      replicating = true;
      await createSubscription(r);
      sampler = LagSampler.start({ blue, slot: r.name, runDir: ctx.runDir });
      await initialCopy(ctx, r, p.catchUpTimeout);
      await readyGreen(ctx, r);
      await catchUp(ctx, r, p.catchUpLagBytes, p.catchUpTimeout);
      // Data validation (default on): blue against green while clients are held, or just after the switchover.
      const data = dataSettings(ctx.scenario, true);
      const validate = async (at: 'switchover' | 'after-switchover'): Promise<void> => {
        if (data) await validateStepData(ctx, { action: 'logical-bluegreen', source: blue, target: green, at, settings: data });
      };
      const { blueFinalLsn } = await switchover(ctx, sw, r, { ...p, drainTimeoutMs: p.catchUpTimeout, ...(data?.when === 'switchover' ? { whileHeld: () => validate('switchover') } : {}) });
      ctx.phase('cleanup');
      if (!p.dropAtSwitch) {
        // Without the drain, green still receives what it lacked (late writes) before replication stops.
        if (!p.waitForCatchUp) {
          await using blueDb = await blue.admin();
          await waitForPosition(ctx, blueDb, r, blueFinalLsn, p.catchUpTimeout);
        }
        await stopSampler();
        await dropReplication(r);
      }
      replicating = false;
      if (data?.when === 'after-switchover') await validate('after-switchover');
    } finally {
      await stopSampler();
      // Never leave a slot on blue: it would hold WAL for as long as blue runs.
      if (replicating) await dropReplication(r).catch((e: unknown) => ctx.log(`logical-bluegreen: cleanup: ${(e as Error).message}`));
    }
  },
});

/** Waits until every table of the subscription has finished its initial copy (state `r`). */
async function initialCopy(ctx: ActionContext, r: Replication, timeoutMs: number): Promise<void> {
  ctx.phase('initial-copy');
  await using green = await r.green.admin();
  let last: { table: string; state: string }[] = [];
  await pollUntil({
    probe: async () => {
      // The subscription lists its tables as soon as it exists; none listed yet means not started.
      if ((await subscribedTables(green, r.name)) === 0) return undefined;
      last = await tablesNotReady(green, r.name);
      return last.length === 0 ? true : undefined;
    },
    timeoutMs,
    signal: ctx.signal,
    intervalMs: 50,
    timeoutError: () => new CutoverError('query', `initial copy: ${last.length} table(s) not ready after ${formatMs(timeoutMs)}: ${last.slice(0, 5).map((t) => `${t.table} (${t.state})`).join(', ')}`),
  });
  ctx.detail('tables', await subscribedTables(green, r.name));
}

/** What replication does not carry, done on green before it takes the load: materialized views, statistics. */
async function readyGreen(ctx: ActionContext, r: Replication): Promise<void> {
  await using blue = await r.blue.admin();
  await using green = await r.green.admin();
  ctx.phase('materialized-views');
  const refreshed = await refreshMaterializedViews(blue, green);
  if (refreshed.length) ctx.detail('materializedViewsRefreshed', refreshed);
  ctx.phase('analyze');
  await analyzeGreen(green);
}

/** Waits until the subscription's slot is within `bound` bytes of blue's WAL. */
async function catchUp(ctx: ActionContext, r: Replication, bound: number, timeoutMs: number): Promise<void> {
  ctx.phase('catch-up');
  await using blue = await r.blue.admin();
  let lag: number | null = null;
  await pollUntil({
    probe: async () => {
      lag = (await slotLag(blue, r.name)).lagBytes;
      return lag !== null && lag <= bound ? true : undefined;
    },
    timeoutMs,
    signal: ctx.signal,
    intervalMs: 20,
    timeoutError: () => new CutoverError('query', `catch-up: lag still ${lag ?? 'unknown'} bytes after ${formatMs(timeoutMs)}, expected at most ${bound} (catchUpLagBytes)`),
  });
  ctx.detail('lagAtCatchUpBytes', lag);
}

