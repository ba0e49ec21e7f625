import { redactArgv } from '../../core/redact-argv.js';
import { killStrayGroups } from '../../core/child-process.js';
import { join } from 'node:path';
import { CutoverError, errorInfo, errorRecord } from '../../core/errors.js';
import { publicEndpoint, type Endpoint } from '../../core/endpoint.js';
import { resolveConfig, type ResolvedConfig } from '../../core/config.js';
import { runSuite } from '../../checks/suite.js';
import { writeSnapshot, type Snapshot } from '../../checks/snapshot.js';
import type { SoakRun } from '../../load/soak-run.js';
import { prepareWorkload } from '../../load/workloads/prepare.js';
import { workloadByName } from '../../load/workloads/index.js';
import { writersTableDdl } from '../../load/writer-registry.js';
import type { WorkloadDefinition } from '../../load/workload-types.js';
import type { LedgerVerification } from '../../load/verify-ledger.js';
import { parseStep, type ParsedStep } from '../actions/registry.js';
import { openEndpointSwitch, type EndpointSwitch } from '../endpoint-switch/index.js';
import type { FinishRun } from '../../run/finish.js';
import { recordFlaggedIds } from '../../run/flagged-ids-record.js';
import { captureResumePoint, lateWrites, type ResumePoint } from '../late-writes.js';
import { createRunDirectory, writeJsonAtomic } from '../../run/run-directory.js';
import type { RunManifest } from '../../run/manifest.js';
import { newRunManifest } from '../../run/new-manifest.js';
import type { Scenario } from '../scenario-types.js';
import { SCENARIO_SOAK, finishSoakThrough, startSoakThrough } from '../soak-through.js';
import type { Cluster } from '../topology/cluster.js';
import { isProvisioned, provisionCluster, type ProvisionedCluster } from '../topology/provision.js';
import { RunTopology } from '../topology/topology.js';
import { checkScenarioRules } from '../scenario-rules.js';
import { redactScenario } from './redact-scenario.js';
import { runStep, skippedStep, type RunServices } from './run-step.js';
import { seedDataset } from './seed-dataset.js';
import { clearForeignAttributeOptions } from '../upgrade/attribute-options.js';
import { openRunCloudWatch } from '../aws/run-cloudwatch.js';

export interface RunScenarioOptions {
  /** Parent of the run directory. */
  runsDir: string;
  /** Name of the run directory (after its time stamp); default the scenario's name. */
  name?: string;
  log: (line: string) => void;
  /** Ctrl-C: the run stops at its next step and writes what it has. */
  signal?: AbortSignal;
  /** The command line, kept in run.json. */
  argv?: readonly string[];
  /** The method named in run.json and the report (`logical`, `minor`...); default `scenario`. */
  method?: string;
  /** The checks' configuration; default the scenario's `config`. */
  config?: ResolvedConfig;
  /** Closes the run (verdict, findings, report): `finishRun` of reports/, supplied by the caller. */
  finish: FinishRun;
}

export interface ScenarioResult {
  runDir: string;
  manifest: RunManifest;
}

/**
 * Runs a scenario end to end: provision blue, seed it, pre-checks, the soak, every step timed with
 * the soak running through it, verification of the ledger on the final writer, post-checks, diff
 * and report. A failed step skips the rest, yet the soak drains and verification and post-checks
 * run where the writer answers; the data directories are then kept. run.json is rewritten after
 * each phase, so the directory is readable whenever the run stops.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  const { log } = options;
  const signal = options.signal ?? new AbortController().signal;
  // Everything is validated before any server starts.
  const steps = scenario.steps.map((step, i) => parseStep(step, i));
  await checkScenarioRules(scenario);
  let config = options.config ?? resolveConfig(scenario.config ?? {}, 'scenario: field "config"');
  const workload = soakWorkload(scenario);

  const name = options.name ?? scenario.name;
  const runDir = await createRunDirectory({ name, parent: options.runsDir });
  const started = Date.now();
  const manifest = newRunManifest({
    name,
    method: options.method ?? 'scenario',
    started,
    config: { scenario: redactScenario(scenario), checks: config, ...(options.argv ? { commandLine: redactArgv(options.argv) } : {}) },
  });
  const save = () => writeJsonAtomic(join(runDir, 'run.json'), manifest);
  await save();
  log(`run directory: ${runDir}`);
  // Publishing starts with the soak; the watched metrics are fetched once it has drained.
  const cloudwatch = scenario.aws ? openRunCloudWatch(scenario.aws, { runDir, name, log }) : undefined;

  let topology: RunTopology | undefined;
  const provisioned: ProvisionedCluster[] = [];
  let endpointSwitch: EndpointSwitch | undefined;
  let soak: SoakRun | undefined;
  /** Resume points of switchovers, with the position of the step that took each. */
  const resumePoints: { step: number; point: ResumePoint }[] = [];
  const recordEndpoints = () => {
    for (const [role, c] of topology?.clusters ?? []) manifest.endpoints[role] = { ...publicEndpoint(c.endpoint()), version: c.version };
    if (topology) {
      const writer = topology.get(topology.writer);
      manifest.endpoints.writer = { ...publicEndpoint(writer.endpoint()), version: writer.version };
    }
  };
  const provision: RunServices['provision'] = async (role, spec, opts) => {
    const cluster = await provisionCluster(role, spec, { ...opts, database: scenario.database, log });
    if (isProvisioned(cluster)) provisioned.push(cluster);
    if (!topology) topology = new RunTopology(cluster);
    else topology.add(cluster);
    recordEndpoints();
    await save();
    return cluster;
  };

  try {
    checkAbort(signal);
    const blue = await provision('blue', scenario.blue);
    const live = topology as RunTopology | undefined;
    if (!live) throw new CutoverError('internal', 'runScenario: no topology after provisioning blue');
    const appEndpoint = blue.endpoint();
    {
      await using app = await blue.admin();
      if (scenario.dataset && blue.provider !== 'external') {
        const seeded = await seedDataset(app, scenario.dataset);
        log(`dataset: ${seeded.summary}`);
        config = resolveConfig({ ...config, explain: { ...config.explain, queries: [...config.explain.queries, ...seeded.baselines] } });
        manifest.config.checks = config;
      }
      // The soak's schema exists in both snapshots, so the checks compare it rather than report it new.
      if (workload) {
        await prepareWorkload(app, workload, SCENARIO_SOAK.schema);
        for (const statement of writersTableDdl(SCENARIO_SOAK.schema)) await app.query(statement);
      }
      if (blue.provider !== 'external') {
        const cleared = await clearForeignAttributeOptions(app);
        if (cleared) log(`dataset: removed ${cleared} unknown column option(s) this PostgreSQL build sets (e.g. pg_attver), which no other release restores`);
      }
    }
    await save();

    checkAbort(signal);
    log(`pre-checks on blue (${describe(blue)})`);
    const pre = await runSuite({ endpoint: appEndpoint, suite: 'pre', config });
    await writeSnapshot(join(runDir, 'pre.snapshot.json'), pre);
    manifest.files.preSnapshot = 'pre.snapshot.json';
    log(`pre-checks: ${summarise(pre)} on PostgreSQL ${pre.server.version}`);
    await save();

    // A local rehearsal that moves clients to another server puts one address in front of blue
    // (what DNS is for RDS); the load connects there, the switchover moves it.
    const wantsSwitch = blue.local !== undefined && (scenario.green !== undefined || steps.some((s) => s.definition.usesEndpointSwitch));
    if (wantsSwitch) {
      endpointSwitch = await openEndpointSwitch({ style: scenario.switchover, target: appEndpoint, log });
      manifest.endpoints.switch = publicEndpoint(endpointSwitch.endpoint(scenario.database));
      await save();
    }
    const loadEndpoint: Endpoint = endpointSwitch?.endpoint(scenario.database) ?? appEndpoint;

    checkAbort(signal);
    if (workload && scenario.soak) {
      log(`soak: ${workload.name} at ${scenario.soak.rate}/s through the steps`);
      soak = await startSoakThrough({ runDir, endpoint: loadEndpoint, workload, rate: scenario.soak.rate, manifest, save, signal, log, switchStyle: endpointSwitch?.style, ...(cloudwatch?.onSecond ? { onSecond: cloudwatch.onSecond } : {}) });
    }

    const services: RunServices = {
      scenario,
      provision,
      topology: live,
      ...(endpointSwitch ? { endpointSwitch } : {}),
      runDir,
      log,
      signal,
      writerMoved(role) {
        live.get(role);
        live.writer = role;
        recordEndpoints();
        log(`writer: now ${role}`);
        void save().catch(() => {});
      },
      async markResume(cluster: Cluster, previous?: Cluster) {
        // The step calling this is still running: its record will be the next one pushed.
        resumePoints.push({ step: manifest.steps.length, point: await captureResumePoint({ runDir, cluster, schema: SCENARIO_SOAK.schema, ...(previous ? { previous } : {}) }) });
      },
    };
    const failed = await runSteps(steps, services, soak, manifest, async () => {
      recordEndpoints();
      await save();
    });

    // Verification and post-checks go to the final writer itself, never through the switch.
    const writer = live.get(live.writer);
    const afterFailure = (what: string) => (error: unknown) => {
      // After a failed step the writer may be down: that is part of the failure, not a new error.
      checkAbort(signal);
      if (!failed) throw error;
      const message = `${what}: ${errorInfo(error).message.split('\n')[0]}`;
      log(message);
      failed.details = { ...failed.details, [what]: message };
    };
    if (soak) {
      const running = soak;
      const analysed = await finishSoakThrough({ soak: running, runDir, endpoint: writer.endpoint(), manifest, log }).catch(afterFailure('verification'));
      soak = undefined;
      clearSkippedFigures(manifest);
      if (analysed) {
        const late = recordLateWrites(manifest, resumePoints, analysed.verification, log);
        await recordFlaggedIds({ runDir, manifest, input: { flagged: analysed.verification.flagged, ledgers: analysed.ledgers, clock: analysed.clock, late }, log });
      }
      await save();
    }

    checkAbort(signal);
    log(`post-checks on ${writer.role} (${describe(writer)})`);
    await runSuite({ endpoint: writer.endpoint(), suite: 'post', config })
      .then(async (post) => {
        await writeSnapshot(join(runDir, 'post.snapshot.json'), post);
        manifest.files.postSnapshot = 'post.snapshot.json';
        log(`post-checks: ${summarise(post)} on PostgreSQL ${post.server.version}`);
      })
      .catch(afterFailure('post-checks'));
  } catch (error) {
    manifest.error = errorRecord(error);
    manifest.verdict = 'error';
    if (signal.aborted) {
      log('interrupted: writing what the run has so far');
      // The run's verdict becomes `interrupted` (finish-run.ts), with how long it ran.
      const name = /\((SIG[A-Z]+)\)/.exec(signal.reason instanceof Error ? signal.reason.message : '')?.[1];
      manifest.interrupted = { how: 'signal', ...(name ? { signal: name } : {}), at: new Date().toISOString(), plannedDurationMs: manifest.soak?.plannedDurationMs ?? null, actualDurationMs: Date.now() - started };
    }
  } finally {
    soak?.stop();
    await soak?.done.catch((e: unknown) => log(`soak: ${errorInfo(e).message.split('\n')[0]}`));
    await cloudwatch?.finish({ manifest, signal });
    await endpointSwitch?.close().catch((e: unknown) => log(`cleanup: ${errorInfo(e).message}`));
    keepDataOfFailedRun(manifest, provisioned, signal, log);
    await topology?.close().catch((e: unknown) => log(`cleanup: ${errorInfo(e).message}`));
    // Processes a command step left running in the background end with the run.
    await killStrayGroups();
    await options.finish({ runDir, manifest, started, config });
  }
  if (manifest.error && signal.aborted) throw new CutoverError('interrupted', `interrupted; partial run in ${runDir}`);
  return { runDir, manifest };
}

/**
 * Runs the steps in order; after a failure (or an interruption) the others are recorded as
 * skipped. Returns the record of the failed step, if one failed.
 */
async function runSteps(
  steps: ParsedStep[],
  services: RunServices,
  soak: SoakRun | undefined,
  manifest: RunManifest,
  /** Records the endpoints (versions change at a restart) and rewrites run.json. */
  afterStep: () => Promise<void>,
): Promise<RunManifest['steps'][number] | undefined> {
  const { log, topology, signal } = services;
  let failed: RunManifest['steps'][number] | undefined;
  for (const step of steps) {
    const label = `step ${step.index + 1} (${step.definition.name})`;
    if (failed || signal.aborted) {
      const why = failed ? `not run: step ${manifest.steps.indexOf(failed) + 1} (${failed.action}) failed` : 'not run: interrupted';
      manifest.steps.push(skippedStep(step, topology, why));
      continue;
    }
    log(`${label}: ${step.name ?? step.definition.title(step.params, topology)}`);
    const record = await runStep(step, services, soak);
    // A step cut short by Ctrl-C did not fail: it was interrupted.
    if (record.status === 'failed' && signal.aborted) record.status = 'interrupted';
    manifest.steps.push(record);
    await afterStep();
    if (record.status === 'failed' || record.status === 'interrupted') {
      log(`${label} ${record.status}: ${record.error ?? 'unknown error'}`);
      // An interruption is not the step's failure: the run reports it as interrupted.
      checkAbort(signal);
      failed = record;
    } else {
      log(`${label}: ok in ${record.durationMs} ms`);
    }
  }
  return failed;
}

/**
 * Each step that resumed writes on another server gets its late writes: ids the new writer lacked
 * at the resume and had by the end (those that never arrived are already among the lost).
 * Returns every late id, for the run's list of flagged ids.
 */
function recordLateWrites(
  manifest: RunManifest,
  points: readonly { step: number; point: ResumePoint }[],
  final: LedgerVerification,
  log: (line: string) => void,
): bigint[] {
  const all: bigint[] = [];
  manifest.steps.forEach((step, i) => {
    const own = points.filter((p) => p.step === i).map((p) => p.point);
    if (!own.length) return;
    const late = lateWrites(own, final);
    step.late = late.late;
    for (const id of late.lateIds) all.push(id);
    step.details = { ...step.details, lateIds: late.lateIds.slice(0, 100).map(String), ...(late.exact ? {} : { lateExact: false }) };
    log(`${step.name}: ${late.late} late writes (missing on ${own.map((p) => p.role).join(', ')} at the resume, present at the end), ${late.neverArrived} never arrived`);
  });
  return all;
}

/** Skipped steps get no figures: the soak did not run through them. */
function clearSkippedFigures(manifest: RunManifest): void {
  for (const s of manifest.steps) {
    if (s.status !== 'skipped') continue;
    Object.assign(s, { downtimeMs: null, failedAttempts: null, lost: null, unexpected: null, duplicated: null });
    delete s.outages;
    delete s.downtimeResolutionMs;
  }
}

/** A failed rehearsal never destroys blue: every provisioned data directory is kept, and said where. */
function keepDataOfFailedRun(manifest: RunManifest, provisioned: ProvisionedCluster[], signal: AbortSignal, log: (line: string) => void): void {
  const stepFailed = manifest.steps.some((s) => s.status === 'failed');
  if (!stepFailed || signal.aborted || !provisioned.length) return;
  const kept: Record<string, string> = {};
  for (const cluster of provisioned) {
    cluster.keepData();
    const dataDir = cluster.local?.dataDir ?? cluster.baseDir;
    kept[cluster.role] = dataDir;
    log(`kept ${cluster.role}'s data directory (server stopped): ${dataDir}`);
  }
  manifest.keptData = kept;
}

function soakWorkload(scenario: Scenario): WorkloadDefinition | undefined {
  if (!scenario.soak) return undefined;
  return workloadByName(scenario.soak.workload, 'scenario: field "soak.workload"');
}

function describe(c: Cluster): string {
  return `${c.provider} PostgreSQL ${c.version}`;
}

function summarise(s: Snapshot): string {
  const counts = { ok: 0, skipped: 0, error: 0 };
  for (const c of Object.values(s.checks)) counts[c.status]++;
  return `${counts.ok} ok, ${counts.skipped} skipped, ${counts.error} error`;
}

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw new CutoverError('interrupted', 'interrupted');
}
