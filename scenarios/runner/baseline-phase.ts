import { CutoverError, errorLine } from '../../core/errors.js';
import { findPgbench, parseScriptSpec } from '../../load/pgbench/index.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import type { BaselineEngineRunner } from '../../run/baseline-engine.js';
import { nodeEngine } from '../../run/baseline-node.js';
import { pgbenchEngine } from '../../run/baseline-pgbench.js';
import { BASELINE_SCHEMA, defaultClients, type BaselinePlan } from '../../run/baseline-plan.js';
import { newBaselineRecord, runBaseline } from '../../run/baseline-run.js';
import { loadWorkload } from '../../run/baseline-workload.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import { findLab } from '../providers/lab-installations.js';
import type { Scenario } from '../scenario-types.js';
import type { Cluster } from '../topology/cluster.js';
import { checkAbort, failedStepIndex, topologyOf, type RunContext } from './run-context.js';

type BaselineSpec = NonNullable<Scenario['baseline']>;

/** The scenario's `baseline` as a plan, validated (before any server starts: runScenario calls it first). */
export async function scenarioBaselinePlan(spec: BaselineSpec, cwd = process.cwd()): Promise<BaselinePlan> {
  const field = (name: string) => `scenario: field "baseline.${name}"`;
  if (spec.workload !== undefined && spec.pgbench) throw new CutoverError('config', `${field('workload')} and ${field('pgbench')}: expected one of them, got both`);
  if (spec.engine === 'node' && spec.rate === undefined) throw new CutoverError('config', `${field('rate')}: required with engine node (the Node driver runs at a fixed rate)`);
  if (spec.engine === 'node' && spec.pgbench) throw new CutoverError('config', `${field('pgbench')}: pgbench's scripts run under engine pgbench only`);
  for (const [name, ms] of [['duration', spec.duration], ['warmup', spec.warmup]] as const) {
    if (ms % 1_000 !== 0) throw new CutoverError('config', `${field(name)}: expected whole seconds (pgbench counts its duration in seconds), got ${ms} ms`);
  }
  const rate = spec.rate ?? null;
  return {
    engine: spec.engine,
    load: spec.pgbench ? { kind: 'scripts', scripts: spec.pgbench.map((s) => parseScriptSpec(s, field('pgbench'))) } : { kind: 'workload', ...(await loadWorkload(spec.workload ?? 'notifications', field('workload'), cwd)) },
    rate,
    clients: spec.clients ?? defaultClients(rate),
    durationMs: spec.duration,
    warmupMs: spec.warmup,
    repeat: spec.repeat,
    ...(spec.scale !== undefined ? { scale: spec.scale } : {}),
    schema: BASELINE_SCHEMA,
  };
}

/** The baseline on blue, before the steps (and before the soak starts: a baseline measures a steady, quiet server). */
export function baselineBlue(run: RunContext): Promise<ManifestPart> {
  return baselineOn(run, 'blue');
}

/** The baseline on the final writer (green, or blue upgraded in place), after the steps and the post-checks. */
export function baselineGreen(run: RunContext): Promise<ManifestPart> {
  // After a failed step the writer is not the upgraded server the baseline is meant to measure.
  if (failedStepIndex(run.manifest) !== undefined) return Promise.resolve({});
  return baselineOn(run, 'green');
}

async function baselineOn(run: RunContext, which: 'blue' | 'green'): Promise<ManifestPart> {
  const spec = run.scenario.baseline;
  // A move off SQLite has no PostgreSQL blue to measure.
  if (!spec || run.held.sqlite) return {};
  checkAbort(run.signal);
  const topology = topologyOf(run);
  const cluster = which === 'blue' ? topology.get('blue') : topology.get(topology.writer);
  const plan = await scenarioBaselinePlan(spec);
  const endpoint = cluster.endpoint();
  run.log(`baseline on ${which} (${cluster.role}, PostgreSQL ${cluster.version}): ${plan.engine}, ${plan.repeat} × ${plan.durationMs / 1000} s`);
  let engine: BaselineEngineRunner;
  try {
    engine = await engineFor(run, plan, spec, cluster, which);
  } catch (error) {
    // pgbench missing: the run cannot do what its scenario asks; the baseline says why, then the run stops.
    await run.commit({ baselines: { ...run.manifest.baselines, [which]: { ...newBaselineRecord(plan), valid: false, invalidReason: `could not complete: ${errorLine(error)}` } } });
    throw error;
  }
  const outcome = await runBaseline(plan, engine, [{ side: 'a', endpoint }], {
    runDir: run.runDir,
    dir: `baseline/${which}`,
    signal: run.signal,
    log: (line) => run.log(`${which} ${line}`),
    onRecord: (record) => run.commit({ baselines: { ...run.manifest.baselines, [which]: record } }),
  });
  // Its tables go with it: the next baseline starts from the same state, and the post-checks never see them.
  try {
    await using db = await cluster.admin();
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(plan.schema)} CASCADE`);
  } catch (error) {
    run.log(`baseline: could not drop schema ${plan.schema} on ${which}: ${errorLine(error)}`);
  }
  if (outcome.error) run.log(`baseline on ${which} could not complete: ${errorLine(outcome.error)}`);
  else if (!outcome.record.valid) run.log(`baseline on ${which} is invalid: ${outcome.record.invalidReason ?? ''}`);
  checkAbort(run.signal);
  return { baselines: { ...run.manifest.baselines, [which]: outcome.record } };
}

async function engineFor(run: RunContext, plan: BaselinePlan, spec: BaselineSpec, cluster: Cluster, which: string): Promise<BaselineEngineRunner> {
  if (plan.engine === 'node') {
    if (plan.load.kind !== 'workload' || plan.rate === null) throw new CutoverError('internal', 'baseline: engine node without a workload or a rate');
    return nodeEngine({ ...plan, rate: plan.rate }, plan.load.workload, { signal: run.signal });
  }
  const lab = findLab();
  const before = [cluster.toolsBindir, cluster.local?.bindir].filter((d): d is string => d !== undefined);
  const after = lab ? [18, 17, 16, 15].map((m) => lab.bindir(m)).filter((d): d is string => d !== undefined) : [];
  const pgbench = await findPgbench({ ...(spec.pgbenchBin !== undefined ? { explicit: spec.pgbenchBin, option: 'scenario: field "baseline.pgbenchBin"' } : {}), before, after });
  return pgbenchEngine(plan, { pgbench, runDir: run.runDir, scriptsDir: `baseline/${which}/scripts`, signal: run.signal });
}
