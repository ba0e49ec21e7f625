import { CutoverError } from '../../core/errors.js';
import { publicEndpoint } from '../../core/endpoint.js';
import type { ResolvedConfig } from '../../core/config.js';
import type { WorkloadDefinition } from '../../load/workload-types.js';
import type { RunManifest } from '../../run/manifest.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import type { SoakLifecycle } from '../../run/soak-lifecycle.js';
import type { ParsedStep } from '../actions/registry.js';
import type { RunCloudWatch } from '../aws/run-cloudwatch.js';
import type { EndpointSwitch } from '../endpoint-switch/index.js';
import type { ResumePoint } from '../late-writes.js';
import type { Scenario } from '../scenario-types.js';
import type { ProvisionedCluster } from '../topology/provision.js';
import type { RunTopology } from '../topology/topology.js';
import type { Cluster } from '../topology/cluster.js';
import type { StoredDigests } from '../../validate/stored-digests.js';
import type { SqliteSource } from '../sqlite/sqlite-source.js';
import type { StandbyLagSampler } from '../replicas/standby-lag-sampler.js';

/** What every phase of a run is given: the scenario, validated, and the run's directory, log and manifest so far. */
export interface RunContext {
  readonly scenario: Scenario;
  readonly steps: readonly ParsedStep[];
  /** The soak's workload, when the scenario has a soak. */
  readonly workload: WorkloadDefinition | undefined;
  readonly name: string;
  readonly runDir: string;
  readonly started: number;
  readonly log: (line: string) => void;
  /** Ctrl-C: the run stops at its next phase or step. */
  readonly signal: AbortSignal;
  /** The manifest so far: phases read it and return what they add, never assign it. */
  readonly manifest: Readonly<RunManifest>;
  /**
   * For what a phase learns while it runs (a server provisioned, a step done): merges it into the
   * manifest at once, then rewrites run.json.
   */
  commit(part: ManifestPart): Promise<void>;
  /** What the run holds open and learns as it goes; closed at the end whatever happened. */
  readonly held: RunHeld;
}

/** What a run holds: its servers, its switch, its soak, and the checks' configuration (seeding adds EXPLAIN baselines). */
export interface RunHeld {
  checks: ResolvedConfig;
  topology?: RunTopology;
  provisioned: ProvisionedCluster[];
  endpointSwitch?: EndpointSwitch;
  soak?: SoakLifecycle;
  cloudwatch?: RunCloudWatch;
  /** Resume points of switchovers, with the position of the step that took each. */
  resumePoints: { step: number; point: ResumePoint }[];
  /** Per-bucket data digests the pre-checks stored on blue, recomputed after an in-place upgrade. */
  digests?: StoredDigests;
  /** A move off SQLite: the file blue is (green is the run's first server). */
  sqlite?: SqliteSource;
  /** The standbys' lag, sampled from the primary while the soak runs (a scenario with replicas). */
  standbyLag?: StandbyLagSampler;
}

/** The run's servers; once blue is provisioned, always there. */
export function topologyOf(run: RunContext): RunTopology {
  const topology = run.held.topology;
  if (!topology) throw new CutoverError('internal', 'runScenario: no topology after provisioning blue');
  return topology;
}

/** Every server of the run by role, and the writer, as run.json names them (versions change at a restart). */
export function endpointsOf(topology: RunTopology | undefined): RunManifest['endpoints'] {
  const endpoints: RunManifest['endpoints'] = {};
  if (!topology) return endpoints;
  for (const [role, c] of topology.clusters) endpoints[role] = { ...publicEndpoint(c.endpoint()), version: c.version, ...imageOf(c) };
  const writer = topology.get(topology.writer);
  endpoints.writer = { ...publicEndpoint(writer.endpoint()), version: writer.version, ...imageOf(writer) };
  return endpoints;
}

/** The position of the step that failed, if one did (after it, the others are skipped). */
export function failedStepIndex(manifest: Readonly<RunManifest>): number | undefined {
  const i = manifest.steps.findIndex((s) => s.status === 'failed');
  return i < 0 ? undefined : i;
}

export function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw new CutoverError('interrupted', 'interrupted');
}

/** A container's image and the extensions it offers, for run.json and the report. */
function imageOf(c: Cluster): { image?: string; extensions?: string[] } {
  if (!c.container) return {};
  const offered = (c as Cluster & { extensions?: { name: string; version: string }[] }).extensions ?? [];
  return { image: c.container.image, extensions: offered.map((e) => `${e.name} ${e.version}`.trim()) };
}
