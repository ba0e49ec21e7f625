import { resolveConfig } from '../../core/config.js';
import { prepareWorkload } from '../../load/workloads/prepare.js';
import { writersTableDdl } from '../../load/writer-registry.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import { SCENARIO_SOAK } from '../soak-through.js';
import { isProvisioned, provisionCluster } from '../topology/provision.js';
import { RunTopology } from '../topology/topology.js';
import { clearForeignAttributeOptions } from '../upgrade/attribute-options.js';
import { checkAbort, endpointsOf, topologyOf, type RunContext } from './run-context.js';
import type { RunServices } from './run-step.js';
import { seedDataset } from './seed-dataset.js';
import type { Scenario, SqliteSourceSpec } from '../scenario-types.js';
import { resolveSqliteSource } from '../sqlite/sqlite-source.js';
import { CutoverError, errorRecord } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { Cluster } from '../topology/cluster.js';
import { multiHostEndpoint } from '../topology/client-endpoint.js';
import { provisionStandby } from '../replicas/provision-standby.js';
import { HA_PRIMARY_SETTINGS, replicaRoles } from '../replicas/replica-roles.js';
import { setSyncStandbys, waitStreaming } from '../replicas/replication-state.js';

/**
 * Provisions a server in a role (blue here, green in a step), adds it to the run's topology and
 * records the endpoints in run.json at once.
 */
export function provisioner(run: RunContext): RunServices['provision'] {
  return async (role, spec, opts) => {
    const cluster = await provisionCluster(role, spec, { ...opts, database: run.scenario.database, log: run.log });
    const { held } = run;
    if (isProvisioned(cluster)) held.provisioned.push(cluster);
    if (!held.topology) held.topology = new RunTopology(cluster);
    else held.topology.add(cluster);
    cluster.joined?.(held.topology);
    await run.commit({ endpoints: endpointsOf(held.topology) });
    return cluster;
  };
}

/**
 * Provisions blue and prepares it: the dataset (whose EXPLAIN baselines join the checks'
 * configuration), the soak's schema, and no column option only this build knows.
 */
export async function provisionAndSeed(run: RunContext): Promise<ManifestPart> {
  const { scenario, workload, log, held } = run;
  checkAbort(run.signal);
  if (scenario.blue.provider === 'sqlite') return provisionForSqlite(run, scenario.blue);
  const blue = await provisioner(run)('blue', scenario.blue, scenario.replicas?.length ? { settings: { ...HA_PRIMARY_SETTINGS } } : undefined);
  topologyOf(run);
  let part: ManifestPart = {};
  await using app = await blue.admin();
  const setup = splitSetup(blue.provider === 'external' ? undefined : scenario.setup);
  if (setup.beforeDataset.length) await runSetup(app, setup.beforeDataset, 'before the dataset', log);
  if (scenario.dataset && blue.provider !== 'external') {
    const seeded = await seedDataset(app, scenario.dataset);
    log(`dataset: ${seeded.summary}`);
    const config = held.checks;
    held.checks = resolveConfig({ ...config, explain: { ...config.explain, queries: [...config.explain.queries, ...seeded.baselines] } });
    part = { config: { ...run.manifest.config, checks: held.checks } };
  }
  // The soak's schema exists in both snapshots, so the checks compare it rather than report it new.
  if (workload) {
    await prepareWorkload(app, workload, SCENARIO_SOAK.schema);
    for (const statement of writersTableDdl(SCENARIO_SOAK.schema)) await app.query(statement);
  }
  if (setup.afterDataset.length) await runSetup(app, setup.afterDataset, 'after the dataset', log);
  if (blue.provider !== 'external') {
    const cleared = await clearForeignAttributeOptions(app);
    if (cleared) log(`dataset: removed ${cleared} unknown column option(s) this PostgreSQL build sets (e.g. pg_attver), which no other release restores`);
  }
  // Standbys are copies of blue as seeded, so they hold the dataset and the soak's schema.
  if (scenario.replicas?.length) await provisionReplicas(run, blue);
  return part;
}

interface SetupEntry {
  /** Its index in the scenario's `setup`. */
  index: number;
  sql: string;
}

/** The scenario's `setup` entries, by when they run (in order within each). */
function splitSetup(setup: Scenario['setup']): { beforeDataset: SetupEntry[]; afterDataset: SetupEntry[] } {
  const entries = (setup ?? []).map((entry, index) => (typeof entry === 'string' ? { index, sql: entry, before: undefined } : { index, ...entry }));
  return {
    beforeDataset: entries.filter((e) => e.before === 'dataset').map(({ index, sql }) => ({ index, sql })),
    afterDataset: entries.filter((e) => e.before === undefined).map(({ index, sql }) => ({ index, sql })),
  };
}

/** The scenario's `setup` statements on blue's database, in order; a failing one stops the run, named. */
async function runSetup(app: Session, statements: readonly SetupEntry[], when: string, log: (line: string) => void): Promise<void> {
  for (const { index, sql } of statements) {
    try {
      await app.query(sql);
    } catch (error) {
      const record = errorRecord(error);
      const short = `scenario field "setup[${index}]": failed on blue: ${record.message}`;
      throw new CutoverError('query', short, {
        cause: error,
        message: `${short}\n${sql}`,
        ...(record.sqlState ? { sqlState: record.sqlState } : {}),
        ...(record.detail ? { detail: record.detail } : {}),
        ...(record.hint ? { hint: record.hint } : {}),
      });
    }
  }
  log(`setup: ${statements.length} statement(s) on blue ${when}`);
}

/**
 * Blue's standbys, each streaming from a slot, the synchronous ones named on blue once they all
 * stream; clients then connect through the multi-host string of every server (read-write).
 */
async function provisionReplicas(run: RunContext, blue: Cluster): Promise<void> {
  const { scenario, held, log } = run;
  const topology = topologyOf(run);
  const roles = replicaRoles(scenario);
  for (const role of roles) {
    checkAbort(run.signal);
    const standby = await provisionStandby(blue, role, { database: scenario.database, log, signal: run.signal });
    held.provisioned.push(standby);
    topology.add(standby);
  }
  const sync = roles.filter((_, i) => scenario.replicas?.[i]?.sync);
  if (sync.length) {
    await setSyncStandbys(blue, sync);
    for (const role of sync.slice(0, 1)) await waitStreaming(blue, role, { sync: true, signal: run.signal });
    log(`blue: synchronous_standby_names = FIRST 1 (${sync.join(', ')}); commits wait for ${sync[0]}'s flush`);
  }
  const servers = ['blue', ...roles];
  topology.clientEndpoint = (database?: string) => multiHostEndpoint(servers.map((r) => topology.get(r)), database);
  await run.commit({ endpoints: endpointsOf(topology) });
}

/**
 * A move off SQLite: blue is the file (the built-in sample written into the run directory when the
 * scenario names none), green the PostgreSQL it moves to, provisioned now and the run's writer.
 * The soak's schema is prepared on green; no dataset is seeded (the file is the data).
 */
async function provisionForSqlite(run: RunContext, spec: SqliteSourceSpec): Promise<ManifestPart> {
  const { scenario, workload, log, held } = run;
  const source = await resolveSqliteSource(spec, run.runDir);
  held.sqlite = source;
  log(source.sample ? `blue: cutover's sample SQLite database (${(source.tables ?? []).map((t) => `${t.name} ${t.rows}`).join(', ')} rows) in ${source.location.path}` : `blue: SQLite file ${source.location.path}`);
  await run.commit({ source: { engine: 'sqlite', file: source.location.path, sizeBytes: source.sizeBytes, sample: source.sample } });
  if (!scenario.green) throw new CutoverError('config', 'scenario: field "green": a SQLite blue needs the PostgreSQL it moves to');
  const green = await provisioner(run)('green', scenario.green);
  if (workload) {
    await using app = await green.admin();
    await prepareWorkload(app, workload, SCENARIO_SOAK.schema);
    for (const statement of writersTableDdl(SCENARIO_SOAK.schema)) await app.query(statement);
  }
  return source.sample ? { files: { source: 'source.sqlite' } } : {};
}
