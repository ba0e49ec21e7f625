import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import type { ProviderSpec } from '../scenario-types.js';
import type { Cluster } from '../topology/cluster.js';
import { analyzeInStages } from '../upgrade/analyze-in-stages.js';
import { foreignAttributeOptions, refuseForeignAttributeOptions } from '../upgrade/attribute-options.js';
import { bindirVersion } from '../upgrade/bindir-version.js';
import { updateExtensions } from '../upgrade/extension-updates.js';
import { greenInitdbArgs, readClusterIdentity } from '../upgrade/green-initdb-args.js';
import { oldBindirOf } from '../upgrade/old-bindir.js';
import { runPgUpgrade } from '../upgrade/pg-upgrade-run.js';
import { recoverBlue } from '../upgrade/recover-blue.js';
import { hasTools } from '../upgrade/tool-bindir.js';
import { bindirMajor, upgradeProblems } from './upgrade-rules.js';
import { upgradeContainers } from './pg-upgrade-containers.js';
import { defineAction, type ActionContext, type StepPlan } from './action-types.js';
import { dataSettings } from '../data/data-settings.js';
import { validateStepData } from '../data/step-validation.js';
import { freePort } from '../providers/free-port.js';

/** What the new installation must hold for pg_upgrade and the phases after it. */
const GREEN_TOOLS = ['pg_upgrade', 'postgres', 'initdb', 'pg_ctl', 'vacuumdb'] as const;

/**
 * `pg-upgrade`: a major upgrade in place. `pg_upgrade --check` while blue still serves, then
 * blue stops, `pg_upgrade --link` (or `--copy`) into a new cluster of the scenario's `green`
 * installation, which starts on blue's port so clients reconnect to the same address; then
 * statistics in stages and pending extension updates. A refusal before the link point leaves
 * blue's data as it was and blue running again.
 */
export const pgUpgradeAction = defineAction({
  name: 'pg-upgrade',
  summary: "pg_upgrade --check, then --link or --copy into green's installation, started on blue's port; analyze in stages; extension updates",
  params: z
    .object({
      mode: z.enum(['link', 'copy']).default('link').describe('`link`: hard links, seconds whatever the size, blue unusable after; `copy`: blue kept intact.'),
      jobs: z.number().int().positive().max(64).optional().describe('Parallel jobs of pg_upgrade and vacuumdb.'),
      image: z
        .string()
        .min(1)
        .optional()
        .describe('Containers: the pg_upgrade image holding both majors (like tianon/postgres-upgrade:15-to-17), run once on blue\'s volume; green (provider: container) then starts on the upgraded data.'),
      to: z
        .string()
        .min(1)
        .optional()
        .describe('The bindir of the installation to upgrade into (with pg_upgrade), instead of the scenario\'s `green`: one hop of a chained upgrade (15 -> 16 -> 17 -> 18, one step each).'),
      role: z
        .string()
        .regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, - and _, starting with a letter')
        .optional()
        .describe('With `to`: the role of the upgraded server (default `green`); each hop of a chain names its own (`pg16`, `pg17`...).'),
      updateExtensions: z
        .boolean()
        .default(true)
        .describe('Run `ALTER EXTENSION … UPDATE` for every extension with a newer default version after the upgrade; `false` leaves it to an `extension-update` step.'),
    })
    .strict()
    .refine((p) => p.role === undefined || p.to !== undefined, { message: 'expected only with "to" (a hop\'s own server; the scenario\'s green keeps the role green)', path: ['role'] }),
  title: (p, topology) => `pg_upgrade --${p.mode} from ${topology.clusters.get(topology.writer)?.version || '?'}${p.to ? ` into ${p.role ?? 'green'}` : ''}`,
  movesWriterTo: 'green',
  writerAfter: (p) => (p.to ? (p.role ?? 'green') : 'green'),
  addsServer: (p) => (p.to ? { role: p.role ?? 'green', spec: { provider: 'bindir', bindir: p.to } } : undefined),
  // The npm binaries have no pg_upgrade: green is a full installation (the lab has them: scripts/lab.sh).
  validate: async (_scenario, p, plan) => {
    if (p.to !== undefined) return hopProblems(p.to, p.role ?? 'green', p.image, plan);
    if (plan.specs[plan.writer]?.provider !== 'container') {
      return [...upgradeProblems(plan, { green: ['bindir'], provisionedWriter: true }), ...(p.image ? [`field "image": only for a container blue (the pg_upgrade image runs on its volume), got blue provider "${plan.specs[plan.writer]?.provider}"`] : [])];
    }
    return [...upgradeProblems(plan, { green: ['container'], provisionedWriter: true }), ...(p.image ? [] : ['field "image": a container blue needs the pg_upgrade image holding both majors (e.g. tianon/postgres-upgrade:15-to-17), got none'])];
  },
  async run(ctx, p) {
    const blue = ctx.topology.get(ctx.topology.writer);
    if (blue.container) {
      if (!p.image) throw new CutoverError('usage', 'pg-upgrade: field "image": a container blue needs the pg_upgrade image holding both majors, got none');
      await upgradeContainers(ctx, { mode: p.mode, image: p.image, ...(p.jobs ? { jobs: p.jobs } : {}) }, blue.container);
      return;
    }
    const blueServer = blue.local;
    if (!blueServer) {
      throw new CutoverError('usage', `pg-upgrade: role "${blue.role}" is an external server; expected one cutover provisioned (embedded or bindir) — upgrade external servers with a command step`);
    }
    const newBindir = p.to !== undefined ? hopBindir(p.to) : greenBindir(ctx.scenario.green);
    const role = p.to !== undefined ? (p.role ?? 'green') : 'green';
    const target = await bindirVersion(newBindir);
    if (blue.major && target.major <= blue.major) {
      throw new CutoverError('usage', `pg-upgrade: green must be a newer major than blue (${blue.major}); ${newBindir} is PostgreSQL ${target.version}`);
    }
    const { identity, preload } = await blueFacts(blue);
    const initdbArgs = greenInitdbArgs(identity, target.major);
    ctx.detail('role', role);
    ctx.detail('mode', p.mode);
    ctx.detail('from', blue.version);
    ctx.detail('to', target.version);
    ctx.detail('dataChecksums', identity.dataChecksums);

    await using oldBindir = await oldBindirOf(blue);
    if (oldBindir.assembledFrom) {
      ctx.detail('oldBindirAssembledFrom', oldBindir.assembledFrom);
      ctx.log(`pg-upgrade: old bindir assembled from ${blueServer.bindir} and ${oldBindir.assembledFrom} (pg_controldata, pg_resetwal)`);
    }
    ctx.phase('provision');
    // Same port and password as blue: the new cluster carries blue's roles, and clients reconnect unchanged.
    const green = await ctx.provision(role, { provider: 'bindir', bindir: newBindir }, {
      start: false,
      port: blueServer.port,
      initdbArgs,
      password: blueServer.password,
      ...(preload ? { settings: { shared_preload_libraries: preload } } : {}),
    });
    const greenServer = green.local;
    if (!greenServer) throw new CutoverError('internal', 'pg-upgrade: the provisioned green has no local server');
    const artifactDir = await ctx.artifactDir();
    const common = {
      oldBindir: oldBindir.bindir,
      newBindir,
      oldDataDir: blueServer.dataDir,
      newDataDir: greenServer.dataDir,
      workDir: greenServer.baseDir,
      ...(p.jobs ? { jobs: p.jobs } : {}),
      artifactDir,
      signal: ctx.signal,
    };

    ctx.phase('check');
    // A live check: blue keeps serving, and a refusal costs no downtime.
    await runPgUpgrade({ ...common, mode: p.mode, checkOnly: true, ...(blueServer.isRunning ? { oldPort: blueServer.port } : {}) });
    refuseForeignAttributeOptions(await foreignAttributeOptions(blue));

    ctx.phase('stop');
    await blueServer.stop('fast');

    ctx.phase('upgrade');
    try {
      await runPgUpgrade({ ...common, mode: p.mode });
    } catch (error) {
      await restoreBlue(ctx, blue, error);
      throw error;
    }

    ctx.phase('start');
    await greenServer.start();
    await green.refresh();
    ctx.writerMoved(green.role);
    ctx.log(`pg-upgrade: PostgreSQL ${blue.version} -> ${green.version} (--${p.mode}) serving on port ${greenServer.port}`);

    ctx.phase('analyze');
    await analyzeInStages({ bindir: newBindir, endpoint: green.endpoint('postgres'), all: true, ...(p.jobs ? { jobs: p.jobs } : {}), artifactDir, signal: ctx.signal });

    if (p.updateExtensions) {
      ctx.phase('extensions');
      const updates = await updateExtensions(green);
      ctx.detail('extensionUpdates', updates);
      for (const u of updates) ctx.log(`pg-upgrade: ${u.database}: ALTER EXTENSION ${u.extension} UPDATE (${u.from} -> ${u.to})`);
    }

    // --copy leaves blue's data directory intact: started on another port, it is compared with
    // green (default on). --link leaves no blue: the run compares digests instead (scenarios/data/).
    const data = p.mode === 'copy' ? dataSettings(ctx.scenario, true) : undefined;
    if (data) await validateAgainstOldBlue(ctx, blue, green, data);
  },
});

/** Starts the old blue (intact after --copy) on a free port, compares it with green, stops it again. */
async function validateAgainstOldBlue(ctx: ActionContext, blue: Cluster, green: Cluster, data: NonNullable<ReturnType<typeof dataSettings>>): Promise<void> {
  const server = blue.local;
  if (!server) return;
  ctx.phase('start-old-blue');
  const port = server.port;
  server.port = await freePort();
  try {
    await server.start();
    await validateStepData(ctx, { action: 'pg-upgrade', source: blue, target: green, at: 'after-step', settings: data });
  } finally {
    await server.stop('fast').catch((e: unknown) => ctx.log(`pg-upgrade: could not stop the old blue after the comparison: ${e instanceof Error ? e.message : String(e)}`));
    server.port = port;
  }
}

/** The new installation: the scenario's green, a bindir with pg_upgrade. */
function greenBindir(spec: ProviderSpec | undefined): string {
  if (!spec) throw new CutoverError('config', `pg-upgrade: the scenario needs "green": expected a bindir provider with pg_upgrade (the new version), got none`);
  if (spec.provider !== 'bindir') {
    throw new CutoverError(
      'config',
      `pg-upgrade: "green" must be a bindir provider (a full installation with pg_upgrade), got provider "${spec.provider}"` +
        (spec.provider === 'embedded' ? ' (the npm binaries have no pg_upgrade; the lab has them: scripts/lab.sh)' : ''),
    );
  }
  if (!hasTools(spec.bindir, GREEN_TOOLS)) {
    throw new CutoverError('config', `pg-upgrade: green.bindir must hold ${GREEN_TOOLS.join(', ')}; "${spec.bindir}" lacks some of them`);
  }
  return spec.bindir;
}

/** One hop's installation (`to`): a bindir with pg_upgrade. */
function hopBindir(bindir: string): string {
  if (!hasTools(bindir, GREEN_TOOLS)) {
    throw new CutoverError('config', `pg-upgrade: field "to" must be the bindir of a full installation holding ${GREEN_TOOLS.join(', ')}; "${bindir}" lacks some of them`);
  }
  return bindir;
}

/** The rules of a hop (`to`): a local writer, a role of its own, an installation of a newer major. */
async function hopProblems(to: string, role: string, image: string | undefined, plan: StepPlan): Promise<string[]> {
  const problems: string[] = [];
  const writer = plan.specs[plan.writer];
  if (writer?.provider === 'external' || writer?.provider === 'container') {
    problems.push(`field "to": a hop into a bindir needs a writer cutover provisions (embedded or bindir); role "${plan.writer}" is provider "${writer.provider}"`);
  }
  if (image) problems.push('field "image": only for a container blue, not with "to"');
  if (plan.specs[role] !== undefined) {
    const taken = Object.keys(plan.specs).filter((r) => plan.specs[r] !== undefined);
    problems.push(`field "role": expected a role of this hop's own (e.g. "pg17"); "${role}" is taken (roles so far: ${taken.join(', ')})`);
  }
  const target = await bindirMajor(to);
  const from = plan.majors[plan.writer];
  if (target === undefined) problems.push(`field "to": expected the bindir of a PostgreSQL installation (postgres, pg_upgrade), got "${to}"`);
  else if (from !== undefined && target <= from) problems.push(`field "to": expected a newer major than ${plan.writer} (PostgreSQL ${from}), got "${to}" (PostgreSQL ${target})`);
  return problems;
}

/** Blue's checksums, encoding, locale and preloaded libraries, which the new cluster must share. */
async function blueFacts(blue: Cluster) {
  await using admin = await blue.admin('postgres');
  const identity = await readClusterIdentity(admin);
  const [row] = await admin.query<{ preload: string }>(`SELECT current_setting('shared_preload_libraries') AS preload`);
  return { identity, preload: row?.preload?.trim() ?? '' };
}

/** After a failed upgrade: blue running again if its data allows, and the record says how. */
async function restoreBlue(ctx: ActionContext, blue: Cluster, error: unknown): Promise<void> {
  if (!blue.local) return;
  ctx.phase('restore-blue');
  try {
    const how = await recoverBlue(blue.local, { greenStarted: false, log: (l) => ctx.log(l) });
    ctx.detail('blueAfterFailure', how);
    if (how !== 'not-startable') await blue.refresh();
  } catch (restartError) {
    ctx.detail('blueAfterFailure', 'restart-failed');
    ctx.log(`pg-upgrade: blue could not be restarted after the failure: ${restartError instanceof Error ? restartError.message : String(restartError)}`);
  }
  ctx.log(`pg-upgrade: failed: ${error instanceof CutoverError ? error.shortMessage : String(error)}`);
}
