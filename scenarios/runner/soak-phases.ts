import { publicEndpoint } from '../../core/endpoint.js';
import type { LedgerVerification } from '../../load/verify-ledger.js';
import { recordFlaggedIds } from '../../run/flagged-ids-record.js';
import type { StepRecord } from '../../run/manifest.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import { openEndpointSwitch } from '../endpoint-switch/index.js';
import { lateWrites, type ResumePoint } from '../late-writes.js';
import { finishSoakThrough, soakServing, startSoakThrough } from '../soak-through.js';
import { noteOnFailedStep } from './failed-step-note.js';
import { StandbyLagSampler } from '../replicas/standby-lag-sampler.js';
import { checkAbort, topologyOf, type RunContext } from './run-context.js';

/**
 * A local rehearsal that moves clients to another server puts one address in front of blue (what
 * DNS is for RDS); the load connects there, the switchover moves it.
 */
export async function openSwitch(run: RunContext): Promise<ManifestPart> {
  const { scenario } = run;
  // A move off SQLite has no server to switch from: the soak starts on green after the load.
  if (run.held.sqlite) return {};
  // Standbys: clients follow the primary through the multi-host string, as an application would.
  if (topologyOf(run).clientEndpoint) return {};
  const blue = topologyOf(run).get('blue');
  // A server cutover runs (locally or in a container) gets the switch; an external one is switched by its owner.
  const wantsSwitch = (blue.local !== undefined || blue.container !== undefined) && (scenario.green !== undefined || run.steps.some((s) => s.definition.usesEndpointSwitch));
  if (!wantsSwitch) return {};
  const endpointSwitch = await openEndpointSwitch({ style: scenario.switchover, target: blue.endpoint(), log: run.log });
  run.held.endpointSwitch = endpointSwitch;
  return { endpoints: { switch: publicEndpoint(endpointSwitch.endpoint(scenario.database)) } };
}

/** Starts the soak that runs through the steps, through the switch when there is one. */
export function startSoak(run: RunContext): ManifestPart {
  const { scenario, workload, held, log } = run;
  checkAbort(run.signal);
  if (!workload || !scenario.soak || held.soak) return {};
  // A move off SQLite stops the application during the copy: writes start on green after its load (steps-phase.ts).
  if (held.sqlite && !run.manifest.steps.some((s) => s.action === 'sqlite-migrate' && s.status === 'ok')) return {};
  log(`soak: ${workload.name} at ${scenario.soak.rate}/s through the steps`);
  const topology = topologyOf(run);
  const endpoint = held.endpointSwitch?.endpoint(scenario.database) ?? topology.clientEndpoint?.(scenario.database) ?? topology.get(topology.writer).endpoint();
  if (topology.clientEndpoint) {
    log(`soak: through ${(endpoint.hosts ?? []).map((h) => `${h.host}:${h.port}`).join(',')} (target_session_attrs=${endpoint.targetSessionAttrs ?? 'any'})`);
    held.standbyLag ??= StandbyLagSampler.start({ primary: () => topology.get(topology.writer), runDir: run.runDir });
  }
  const onSecond = held.cloudwatch?.onSecond;
  const soak = startSoakThrough({
    runDir: run.runDir,
    endpoint,
    workload,
    rate: scenario.soak.rate,
    signal: run.signal,
    log,
    ...(held.endpointSwitch ? { switchStyle: held.endpointSwitch.style } : {}),
    ...(onSecond ? { onSecond } : {}),
    // A writer registered: its record is in the manifest already, run.json is rewritten.
    onRecord: () => void run.commit({}).catch(() => {}),
  });
  held.soak = soak;
  return { soak: soak.record, files: soak.files };
}

/** Waits for the soak's first success, so that every outage of the steps opens after one. */
export async function loadServing(run: RunContext): Promise<ManifestPart> {
  const soak = run.held.soak;
  if (!soak) return {};
  await soakServing(soak).catch((error: unknown) => {
    // The soak has stopped and drained already: nothing is left to release.
    run.held.soak = undefined;
    throw error;
  });
  return {};
}

/**
 * Drains the soak and verifies its ledger on the final writer itself (never through the switch):
 * each step gets its figures, each switchover its late writes, and the run its list of flagged ids.
 */
export async function drainAndVerify(run: RunContext): Promise<ManifestPart> {
  const soak = run.held.soak;
  if (!soak) return {};
  const topology = topologyOf(run);
  // Verification reads the current primary itself (after a failover, the promoted standby).
  const writer = topology.get(topology.writer);
  const lag = await run.held.standbyLag?.stop();
  if (lag) run.log(`standbys: ${lag.samples} lag samples in ${lag.file}${Object.entries(lag.max).map(([name, m]) => `; ${name} at most ${m.lagBytes} bytes${m.replayLagMs !== null ? `, ${m.replayLagMs} ms` : ''} behind in replay`).join('')}`);
  const finished = await finishSoakThrough({ soak, endpoint: writer.endpoint(), steps: run.manifest.steps, log: run.log }).catch((error: unknown) => ({
    failure: noteOnFailedStep(run, 'verification', error),
  }));
  run.held.soak = undefined;
  if ('failure' in finished) return { steps: withoutSkippedFigures(finished.failure) };
  const late = withLateWrites(withoutSkippedFigures(finished.steps), run.held.resumePoints, finished.verification, run.log);
  // recordFlaggedIds names its file in the manifest it is given: a view with the steps just measured.
  const view = { ...run.manifest, steps: late.steps, files: {} };
  await recordFlaggedIds({ runDir: run.runDir, manifest: view, input: { flagged: finished.verification.flagged, ledgers: finished.ledgers, clock: finished.clock, late: late.ids }, log: run.log });
  return { steps: late.steps, files: view.files };
}

/**
 * Each step that resumed writes on another server gets its late writes: ids the new writer lacked
 * at the resume and had by the end (those that never arrived are already among the lost).
 * Returns the steps and every late id, for the run's list of flagged ids.
 */
function withLateWrites(
  steps: readonly StepRecord[],
  points: readonly { step: number; point: ResumePoint }[],
  final: LedgerVerification,
  log: (line: string) => void,
): { steps: StepRecord[]; ids: bigint[] } {
  const ids: bigint[] = [];
  const updated = steps.map((step, i) => {
    const own = points.filter((p) => p.step === i).map((p) => p.point);
    if (!own.length) return step;
    const late = lateWrites(own, final);
    for (const id of late.lateIds) ids.push(id);
    log(`${step.name}: ${late.late} late writes (missing on ${own.map((p) => p.role).join(', ')} at the resume, present at the end), ${late.neverArrived} never arrived`);
    return { ...step, late: late.late, details: { ...step.details, lateIds: late.lateIds.slice(0, 100).map(String), ...(late.exact ? {} : { lateExact: false }) } };
  });
  return { steps: updated, ids };
}

/**
 * Skipped steps get no figures: the soak did not run through them; nor does a write freeze (a move
 * off SQLite stops the application during the copy, before the soak starts): its "0 ms downtime"
 * would be a figure nothing measured.
 */
function withoutSkippedFigures(steps: readonly StepRecord[]): StepRecord[] {
  return steps.map((s) => {
    if (s.status !== 'skipped' && s.details?.writeFreeze !== true) return s;
    const { outages: _outages, downtimeResolutionMs: _resolution, ...rest } = s;
    return { ...rest, downtimeMs: null, failedAttempts: null, lost: null, unexpected: null, duplicated: null };
  });
}
