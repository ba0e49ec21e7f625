import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionContext, ActionDefinition, ProvisionOptions } from '../../scenarios/actions/action-types.js';
import type { EndpointSwitch } from '../../scenarios/endpoint-switch/switch-types.js';
import type { LocalServer } from '../../scenarios/providers/local-server.js';
import type { StepRecord } from '../../run/manifest.js';
import { scenarioSchema, type ProviderSpec, type Scenario, type ScenarioInput } from '../../scenarios/scenario-types.js';
import { timeStep } from '../../scenarios/step-timer.js';
import type { Cluster, ProviderKind } from '../../scenarios/topology/cluster.js';
import { localCluster } from '../../scenarios/topology/local-cluster.js';
import { provisionCluster } from '../../scenarios/topology/provision.js';
import { RunTopology } from '../../scenarios/topology/topology.js';
import { quoteIdentifier } from '../../load/sql-ident.js';

/** A step's record as the runner would keep it, plus what the action said and the error itself. */
export interface StepOutcome extends StepRecord {
  details: Record<string, unknown>;
  phases: NonNullable<StepRecord['phases']>;
  log: string[];
  /** The error the action threw, for assertions on its class and messages. */
  thrown?: unknown;
  /** Roles passed to `writerMoved`, in order. */
  writerMoves: string[];
}

/**
 * A real ActionContext without the runner: real servers in a RunTopology, real provisioning, a
 * temporary run directory. Tests run one action as a step and look at its record; closing stops
 * every server and removes the run directory.
 */
export class TestActionContext implements AsyncDisposable {
  readonly scenario: Scenario;
  readonly topology: RunTopology;
  readonly runDir: string;
  endpointSwitch?: EndpointSwitch;
  private steps = 0;

  private constructor(scenario: Scenario, topology: RunTopology, runDir: string) {
    this.scenario = scenario;
    this.topology = topology;
    this.runDir = runDir;
  }

  /** A context around a blue that is already running (see `blueCluster`). */
  static async create(o: { scenario: Omit<ScenarioInput, 'blue' | 'steps'> & Partial<Pick<ScenarioInput, 'blue' | 'steps'>>; blue: Cluster; endpointSwitch?: EndpointSwitch }): Promise<TestActionContext> {
    const scenario = scenarioSchema.parse({
      blue: blueSpecOf(o.blue),
      steps: [{ action: 'wait' }],
      soak: false,
      dataset: false,
      ...o.scenario,
    });
    const ctx = new TestActionContext(scenario, new RunTopology(o.blue), await mkdtemp(join(tmpdir(), 'cutover-testrun-')));
    if (o.endpointSwitch) ctx.endpointSwitch = o.endpointSwitch;
    return ctx;
  }

  /**
   * Runs an action as a step: parameters validated by the action's schema, timed with its phases
   * (and a probe lane against `probe`, for a downtime figure), never throwing for a failed step.
   */
  async runStep<P>(action: ActionDefinition<P>, rawParams: unknown = {}, o: { probe?: LocalServer } = {}): Promise<StepOutcome> {
    const params = action.params.parse(rawParams);
    const index = this.steps++;
    const details: Record<string, unknown> = {};
    const log: string[] = [];
    const writerMoves: string[] = [];
    let thrown: unknown;
    const artifactDir = join(this.runDir, 'steps', `${index + 1}-${action.name}`);
    const record = await timeStep(
      { name: action.title(params, this.topology), action: action.name, ...(o.probe ? { probe: o.probe.endpoint('postgres') } : {}) },
      async (timer) => {
        const ctx: ActionContext = {
          scenario: this.scenario,
          topology: this.topology,
          runDir: this.runDir,
          ...(this.endpointSwitch ? { endpointSwitch: this.endpointSwitch } : {}),
          provision: (role: string, spec: ProviderSpec, options?: ProvisionOptions) => this.provision(role, spec, options, log),
          artifactDir: async () => {
            await mkdir(artifactDir, { recursive: true });
            return artifactDir;
          },
          phase: (name) => timer.phase(name),
          detail: (key, value) => void (details[key] = value),
          log: (line) => void log.push(line),
          signal: new AbortController().signal,
          writerMoved: (role) => {
            this.topology.get(role);
            this.topology.writer = role;
            writerMoves.push(role);
          },
          markResume: async () => {},
        };
        try {
          await action.run(ctx, params);
        } catch (error) {
          thrown = error;
          throw error;
        }
      },
    );
    return { ...record, details, phases: record.phases ?? [], log, writerMoves, ...(thrown !== undefined ? { thrown } : {}) };
  }

  private async provision(role: string, spec: ProviderSpec, options: ProvisionOptions | undefined, log: string[]): Promise<Cluster> {
    const cluster = await provisionCluster(role, spec, { ...options, database: this.scenario.database, log: (l) => void log.push(l) });
    this.topology.add(cluster);
    return cluster;
  }

  async close(): Promise<void> {
    try {
      await this.topology.close();
    } finally {
      // CUTOVER_KEEP_TEST_RUNS=1 keeps the run directory (pg_upgrade's logs...) to look at a failure.
      if (!process.env.CUTOVER_KEEP_TEST_RUNS) await rm(this.runDir, { recursive: true, force: true });
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** A running local server as the run's blue, with the scenario's database created on it. */
export async function blueCluster(server: LocalServer, o: { provider: Exclude<ProviderKind, 'external'>; database?: string; toolsBindir?: string }): Promise<Cluster> {
  const database = o.database ?? 'app';
  {
    await using admin = await server.admin('postgres');
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database]);
    if (!exists.length) await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  }
  return localCluster({ role: 'blue', provider: o.provider, server, database, ...(o.toolsBindir ? { toolsBindir: o.toolsBindir } : {}) });
}

function blueSpecOf(blue: Cluster): ProviderSpec {
  return blue.local ? { provider: 'bindir', bindir: blue.local.bindir } : { provider: 'external', url: 'postgresql://localhost/app' };
}
