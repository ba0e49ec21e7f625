import { join } from 'node:path';
import { redactArgv } from '../../core/redact-argv.js';
import { CutoverError } from '../../core/errors.js';
import { resolveConfig, type ResolvedConfig } from '../../core/config.js';
import { workloadByName } from '../../load/workloads/index.js';
import type { WorkloadDefinition } from '../../load/workload-types.js';
import type { FinishRun } from '../../run/finish.js';
import type { RunManifest } from '../../run/manifest.js';
import { mergeManifest, type ManifestPart } from '../../run/manifest-part.js';
import { newRunManifest } from '../../run/new-manifest.js';
import { createRunDirectory, writeJsonAtomic } from '../../run/run-directory.js';
import { RUN_FILE } from '../../run/run-files.js';
import { parseStep } from '../actions/registry.js';
import { openRunCloudWatch } from '../aws/run-cloudwatch.js';
import type { Scenario } from '../scenario-types.js';
import { checkScenarioRules } from '../scenario-rules.js';
import { postChecks, preChecks } from './check-phases.js';
import { releaseRun, runFailure } from './finish-phase.js';
import { provisionAndSeed } from './provision-phase.js';
import { redactScenario } from './redact-scenario.js';
import type { RunContext } from './run-context.js';
import { drainAndVerify, loadServing, openSwitch, startSoak } from './soak-phases.js';
import { runSteps } from './steps-phase.js';
import { preflightContainers } from '../providers/container-preflight.js';
import { baselineBlue, baselineGreen, scenarioBaselinePlan } from './baseline-phase.js';

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

/** A phase of a run: it returns what it adds to the manifest. */
type Phase = (run: RunContext) => ManifestPart | Promise<ManifestPart>;

/** The phases of a run, in order. */
const PHASES: readonly Phase[] = [provisionAndSeed, preChecks, baselineBlue, openSwitch, startSoak, loadServing, runSteps, drainAndVerify, postChecks, baselineGreen];

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
  const checks = options.config ?? resolveConfig(scenario.config ?? {}, 'scenario: field "config"');
  const workload = soakWorkload(scenario);
  if (scenario.baseline) await scenarioBaselinePlan(scenario.baseline);
  await preflightContainers(scenario, log);

  const name = options.name ?? scenario.name;
  const runDir = await createRunDirectory({ name, parent: options.runsDir });
  const started = Date.now();
  // The one manifest of the run: phases return what they add, merged here and nowhere else.
  const manifest = newRunManifest({
    name,
    method: options.method ?? 'scenario',
    started,
    config: { scenario: redactScenario(scenario), checks, ...(options.argv ? { commandLine: redactArgv(options.argv) } : {}) },
  });
  const save = () => writeJsonAtomic(join(runDir, RUN_FILE), manifest);
  const commit = (part: ManifestPart): Promise<void> => {
    mergeManifest(manifest, part);
    return save();
  };
  await save();
  log(`run directory: ${runDir}`);
  const run: RunContext = {
    scenario,
    steps,
    workload,
    name,
    runDir,
    started,
    log,
    signal,
    manifest,
    commit,
    // Publishing starts with the soak; the watched metrics are fetched once it has drained.
    held: { checks, provisioned: [], resumePoints: [], ...(scenario.aws ? { cloudwatch: openRunCloudWatch(scenario.aws, { runDir, name, log }) } : {}) },
  };

  try {
    for (const phase of PHASES) await commit(await phase(run));
  } catch (error) {
    mergeManifest(manifest, runFailure(run, error));
  } finally {
    mergeManifest(manifest, await releaseRun(run));
    await options.finish({ runDir, manifest, started, config: run.held.checks });
  }
  if (manifest.error && signal.aborted) throw new CutoverError('interrupted', `interrupted; partial run in ${runDir}`);
  return { runDir, manifest };
}

function soakWorkload(scenario: Scenario): WorkloadDefinition | undefined {
  if (!scenario.soak) return undefined;
  return workloadByName(scenario.soak.workload, 'scenario: field "soak.workload"');
}
