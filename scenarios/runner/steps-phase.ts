import type { DataValidationRecord, MigrationRecord, StepRecord } from '../../run/manifest.js';
import { loadServing, startSoak } from './soak-phases.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import type { Cluster } from '../topology/cluster.js';
import { captureResumePoint } from '../late-writes.js';
import { SCENARIO_SOAK } from '../soak-through.js';
import { provisioner } from './provision-phase.js';
import { checkAbort, endpointsOf, topologyOf, type RunContext } from './run-context.js';
import { runStep, skippedStep, type RunServices } from './run-step.js';

/**
 * Runs the steps in order, the soak (when there is one) running through them; each step's record
 * reaches run.json as it ends. After a failure (or an interruption) the others are recorded as
 * skipped: the phase returns the whole list.
 */
export async function runSteps(run: RunContext): Promise<ManifestPart> {
  const { log, signal } = run;
  const topology = topologyOf(run);
  // Data validations the steps ran, in order (run.json `data`).
  const data: DataValidationRecord[] = [...(run.manifest.data ?? [])];
  let migration: MigrationRecord | undefined = run.manifest.migration;
  const services = stepServices(run, data, (record) => void (migration = record));
  const steps: StepRecord[] = [...run.manifest.steps];
  let failed: StepRecord | undefined;
  for (const step of run.steps) {
    const label = `step ${step.index + 1} (${step.definition.name})`;
    if (failed || signal.aborted) {
      const why = failed ? `not run: step ${steps.indexOf(failed) + 1} (${failed.action}) failed` : 'not run: interrupted';
      steps.push(skippedStep(step, topology, why));
      continue;
    }
    log(`${label}: ${step.name ?? step.definition.title(step.params, topology)}`);
    const record = await runStep(step, services, run.held.soak?.run);
    // A step cut short by Ctrl-C did not fail: it was interrupted.
    if (record.status === 'failed' && signal.aborted) record.status = 'interrupted';
    steps.push(record);
    // The endpoints too: versions change at a restart.
    await run.commit({ steps: [...steps], endpoints: endpointsOf(run.held.topology), ...(data.length ? { data: [...data] } : {}), ...(migration ? { migration } : {}) });
    if (record.status === 'failed' || record.status === 'interrupted') {
      log(`${label} ${record.status}: ${record.error?.message ?? 'unknown error'}`);
      // An interruption is not the step's failure: the run reports it as interrupted.
      checkAbort(signal);
      failed = record;
    } else {
      log(`${label}: ok in ${record.durationMs} ms`);
      // A move off SQLite: the application starts again on green once it is loaded, and the soak with it.
      if (step.definition.name === 'sqlite-migrate') await startSoakAfterLoad(run);
    }
  }
  return { steps, ...(data.length ? { data } : {}), ...(migration ? { migration } : {}) };
}

/** Starts the soak on green and waits for its first success; what it records reaches run.json at once. */
async function startSoakAfterLoad(run: RunContext): Promise<void> {
  await run.commit(startSoak(run));
  await run.commit(await loadServing(run));
}

/** What the runner lends every step: servers, the switch, the log, and where writes go now. */
function stepServices(run: RunContext, data: DataValidationRecord[], onMigration: (record: MigrationRecord) => void): RunServices {
  const { scenario, runDir, log, signal, held } = run;
  const topology = topologyOf(run);
  return {
    scenario,
    checks: held.checks,
    provision: provisioner(run),
    topology,
    ...(held.endpointSwitch ? { endpointSwitch: held.endpointSwitch } : {}),
    ...(held.sqlite ? { source: held.sqlite.location } : {}),
    runDir,
    log,
    signal,
    writerMoved(role) {
      topology.get(role);
      topology.writer = role;
      log(`writer: now ${role}`);
      void run.commit({ endpoints: endpointsOf(topology) }).catch(() => {});
    },
    recordData(record) {
      // The step calling this is still running: its record will be the next one (1-based: its length + 1).
      // Committed with the step's record (one write of run.json at a time).
      data.push({ step: run.manifest.steps.length + 1, ...record });
    },
    recordMigration(record) {
      // As recordData: the calling step's record is the next one.
      onMigration({ step: run.manifest.steps.length + 1, ...record });
    },
    async markResume(cluster: Cluster, previous?: Cluster) {
      // The step calling this is still running: its record will be the next one.
      const step = run.manifest.steps.length;
      held.resumePoints.push({ step, point: await captureResumePoint({ runDir, cluster, schema: SCENARIO_SOAK.schema, ...(previous ? { previous } : {}) }) });
    },
  };
}
