import { killStrayGroups } from '../../core/child-process.js';
import { errorLine, errorRecord } from '../../core/errors.js';
import { signalInterruption } from '../../run/interruption.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import type { RunContext } from './run-context.js';

/** What an error outside the steps adds: the error, and when Ctrl-C caused it, the interruption. */
export function runFailure(run: RunContext, error: unknown): ManifestPart {
  const part: ManifestPart = { error: errorRecord(error), verdict: 'error' };
  if (!run.signal.aborted) return part;
  run.log('interrupted: writing what the run has so far');
  // The run's verdict becomes `interrupted` (finish-run.ts), with how long it ran.
  const now = Date.now();
  return { ...part, interrupted: signalInterruption(run.signal, { at: now, plannedDurationMs: run.manifest.soak?.plannedDurationMs ?? null, actualDurationMs: now - run.started }) };
}

/**
 * Releases what the run holds, whatever happened: a soak still running (drained), CloudWatch
 * (its metrics fetched), the switch, the servers (their data kept when a step failed), and any
 * process a command step left running. Returns what that adds (`keptData`).
 */
export async function releaseRun(run: RunContext): Promise<ManifestPart> {
  const { held, log, signal } = run;
  held.soak?.stop();
  await held.soak?.run.done.catch((e: unknown) => log(`soak: ${errorLine(e)}`));
  await held.standbyLag?.stop();
  // CloudWatch names its file in the manifest it is given: a view, whose files the run merges.
  const view = { ...run.manifest, files: {} };
  await held.cloudwatch?.finish({ manifest: view, signal });
  await held.endpointSwitch?.close().catch((e: unknown) => log(`cleanup: ${errorLine(e)}`));
  const kept = keepDataOfFailedRun(run);
  await held.topology?.close().catch((e: unknown) => log(`cleanup: ${errorLine(e)}`));
  // Processes a command step left running in the background end with the run.
  await killStrayGroups();
  return { ...kept, files: view.files };
}

/** A failed rehearsal never destroys blue: every provisioned data directory is kept, and said where. */
function keepDataOfFailedRun(run: RunContext): ManifestPart {
  const { provisioned } = run.held;
  const stepFailed = run.manifest.steps.some((s) => s.status === 'failed');
  if (!stepFailed || run.signal.aborted || !provisioned.length) return {};
  const kept: Record<string, string> = {};
  for (const cluster of provisioned) {
    cluster.keepData();
    const dataDir = cluster.local?.dataDir ?? cluster.baseDir;
    kept[cluster.role] = dataDir;
    run.log(`kept ${cluster.role}'s data directory (server stopped): ${dataDir}`);
  }
  return { keptData: kept };
}
