import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { describeEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { verifyRunLedger } from '../load/soak-verify.js';
import { analyseSoak } from '../load/analysis/analyse-soak.js';
import { readWindowLog } from '../load/analysis/window-log.js';
import { rebuildLane } from '../load/analysis/rebuild-lanes.js';
import { SeqClock } from '../load/analysis/seq-clock.js';
import { soakPassed } from '../load/analysis/soak-summary.js';
import { ledgerDir } from '../load/ledger-format.js';
import { readTimeline } from '../load/timeline-reader.js';
import { TIMELINE_FILE } from '../load/timeline-writer.js';
import type { CliRuntime } from './runtime.js';
import { summaryLines } from './soak-lines.js';
import { plain } from './io.js';
import { assertWritable } from './output-path.js';
import { flaggedCounts, flaggedIdLines, writeFlaggedIds, type FlaggedIdsInput, type NamedSpan } from '../load/flagged-ids-file.js';
import type { RunManifest } from '../run/manifest.js';
import { flaggedIdsLine } from './flagged-ids-line.js';
import { FLAGGED_IDS_FILE } from '../load/flagged-ids-file.js';
import type { LedgerVerification } from '../load/verify-ledger.js';
import type { SoakAnalysis } from '../load/analysis/analyse-soak.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import { writeJsonAtomic } from '../run/run-directory.js';
import { recordVerification, stepSoakFields, wholeSoakStep } from '../run/soak-results.js';
import { renderRunDirectory } from '../reports/render-run.js';
import { readRunManifest } from '../run/read-run.js';

export interface VerifyOptions {
  runDir?: string;
  db?: string;
  json?: boolean;
  /** Where to list each flagged id (`-`: stdout). */
  ids?: string;
  /** Write the verification into run.json and re-render the report (plain `verify` writes nothing). */
  record?: boolean;
}

/**
 * Runs `cutover verify`: re-verifies the ledger of a run directory (a finished one, or one whose
 * harness died mid-soak) against a database and prints the same figures as `cutover soak`.
 * Reads the run directory only; it writes nothing but the file `--ids` names, unless `--record`
 * asks it to write its verification into run.json and re-render the report.
 */
export async function runVerify(options: VerifyOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  if (!options.runDir) throw new CutoverError('usage', '--run-dir: required (the run directory of a soak or a rehearsal)');
  const runDir = options.runDir;
  if (options.ids === '-' && options.json) throw new CutoverError('usage', '--ids -: stdout already carries the --json object; give --ids a file name');
  const idsPath = options.ids && options.ids !== '-' ? assertWritable('--ids', options.ids) : undefined;
  const endpoint = resolveEndpoint({ url: options.db, urlLabel: '--db' }, runtime.env, undefined, (m) => io.err(`cutover: warning: ${m}`));
  const manifest = await readRunManifest(runDir);
  const soak = manifest.soak;
  if (!soak) throw new CutoverError('input', `${join(runDir, 'run.json')}: this run has no soak (no "soak" section): nothing to verify`);
  if (!existsSync(ledgerDir(runDir))) throw new CutoverError('input', `${runDir}: no ledger directory: the soak never started writing`);

  const { verification, ledgers } = await verifyRunLedger({ runDir, endpoint, schema: soak.schema });
  const lines = await readWindowLog(runDir);
  const exceptions = ledgers.flatMap((l) => l.exceptions);
  const meta = { degradedThresholdMs: soak.degradedThresholdMs };
  const timeline = existsSync(join(runDir, TIMELINE_FILE)) ? await readTimeline(runDir) : [];
  const driver = rebuildLane(lines, 'driver', { ...meta, intervalMs: soak.lanes.driver.intervalMs }, exceptions, timeline);
  const probe = soak.lanes.probe ? rebuildLane(lines, 'probe', { ...meta, intervalMs: soak.lanes.probe.intervalMs }) : undefined;
  const clock = SeqClock.fromJSON(soak.seqClock);
  for (const l of ledgers) clock.observeAll(l.writer.writerKey, l.exceptions);
  const spans = manifest.steps.map((s) => ({ startedAt: Date.parse(s.startedAt), endedAt: Date.parse(s.endedAt) }));
  const analysis = analyseSoak({ lanes: { driver, ...(probe ? { probe } : {}) }, verification, ledgers, clock, steps: spans });
  const summary = analysis.summary;
  const flagged: FlaggedIdsInput = { flagged: verification.flagged, ledgers, clock, steps: namedSpans(manifest) };
  if (idsPath) await writeFlaggedIds(idsPath, flagged);
  // With the ids on stdout, the text summary moves to stderr so that the ids can be piped.
  const say = (line: string): void => (options.ids === '-' ? io.err(line) : io.out(line));
  if (options.ids === '-') for (const line of flaggedIdLines(flagged)) io.out(JSON.stringify(line));
  const recorded = options.record ? await recordInRun({ runDir, manifest, verification, analysis, flagged, timeline }) : undefined;

  if (options.json) {
    io.out(JSON.stringify(summary));
  } else {
    const counts = flaggedCounts(flagged);
    say(`verified ${plain(runDir)} against ${plain(describeEndpoint(endpoint))}: ${ledgers.length} writer${ledgers.length === 1 ? '' : 's'}, ${verification.queries} queries, ${Math.round(verification.durationMs)} ms`);
    const crashed = ledgers.filter((l) => !l.closed).length;
    if (crashed > 0 || !driver.complete) {
      say(`partial run: ${crashed} ledger${crashed === 1 ? '' : 's'} not closed (the harness stopped mid-soak); attempts past the last flush count as unknown, and the last outage may be open`);
    }
    const interrupted = manifest.interrupted;
    for (const line of summaryLines(summary, analysis.downtime, soak.degradedThresholdMs, io.style, { ...(interrupted ? { interrupted } : {}), ...(soak.writerServers ? { writerServers: soak.writerServers } : {}) })) say(line);
    if (manifest.steps.length > 1 || (manifest.steps[0] && manifest.steps[0].action !== 'soak')) {
      manifest.steps.forEach((s, i) => {
        const f = analysis.steps[i];
        if (f) say(`step ${plain(s.name)}: downtime ${f.downtimeMs} ms, ${f.failedAttempts} failed attempts, ${f.lost} lost, ${f.unexpected} unexpected, ${f.duplicated} duplicated`);
      });
    }
    const ids = flaggedIdsLine(counts, options.ids === '-' ? 'ids on stdout' : options.ids ? `ids in ${plain(options.ids)}` : 'list them with --ids FILE');
    if (ids) say(ids);
  }
  if (recorded) io.err(`cutover: verify: recorded in ${plain(join(runDir, 'run.json'))} (verdict ${recorded.verdict}); report re-rendered: ${plain(join(runDir, recorded.report))}`);
  return soakPassed(summary) ? 0 : 1;
}

/**
 * `--record`: the verification goes into run.json as a finished soak would have written it (the
 * soak's figures, each step's share, the flagged ids), then the report is re-rendered. A run its
 * harness left `running` becomes `interrupted`, stopped at the last thing it recorded.
 */
async function recordInRun(o: {
  runDir: string;
  manifest: RunManifest;
  verification: LedgerVerification;
  analysis: SoakAnalysis;
  flagged: FlaggedIdsInput;
  timeline: readonly TimelineBucket[];
}): Promise<{ verdict: RunManifest['verdict']; report: string }> {
  const { runDir, manifest, analysis } = o;
  const soak = manifest.soak;
  if (!soak) throw new CutoverError('internal', 'recordInRun: the run has no soak section');
  recordVerification(soak, o.verification, analysis);
  const summary = analysis.summary;
  if (manifest.verdict === 'running') {
    const first = o.timeline[0];
    const last = o.timeline[o.timeline.length - 1];
    const loadStart = first ? first.t : Date.parse(soak.startedAt ?? manifest.startedAt);
    const stoppedAt = Math.max(last ? last.t + last.spanMs : loadStart, Date.parse(manifest.startedAt));
    soak.startedAt ??= new Date(loadStart).toISOString();
    soak.endedAt ??= new Date(stoppedAt).toISOString();
    soak.durationMs ??= stoppedAt - loadStart;
    manifest.interrupted = { how: 'killed', at: new Date(stoppedAt).toISOString(), plannedDurationMs: soak.plannedDurationMs, actualDurationMs: stoppedAt - loadStart };
    manifest.verdict = 'interrupted';
    manifest.endedAt = new Date(stoppedAt).toISOString();
    manifest.durationMs = stoppedAt - Date.parse(manifest.startedAt);
    if (manifest.method === 'soak' && manifest.steps.length === 0) {
      // The one step a finished soak records, over what the load did before the harness died.
      manifest.steps.push(wholeSoakStep({ startedAt: loadStart, endedAt: stoppedAt, status: 'interrupted', summary }));
    }
  } else if ((manifest.verdict === 'pass' || manifest.verdict === 'warn') && !soakPassed(summary)) {
    // A write found lost (or unexpected, duplicated) now fails a run that had passed.
    manifest.verdict = 'fail';
  }
  const only = manifest.steps[0];
  if (manifest.method === 'soak' && only) {
    // A soak's one step carries the whole soak's figures.
    Object.assign(only, { downtimeMs: summary.downtimeMs, failedAttempts: summary.outages.reduce((sum, w) => sum + w.failedAttempts, 0), lost: summary.lost, unexpected: summary.unexpected, duplicated: summary.duplicated, downtimeResolutionMs: summary.resolutionMs, outages: summary.outages });
  } else {
    manifest.steps.forEach((step, i) => {
      const f = analysis.steps[i];
      if (f && step.status !== 'skipped') Object.assign(step, stepSoakFields(f));
    });
  }
  await writeFlaggedIds(join(runDir, FLAGGED_IDS_FILE), o.flagged);
  manifest.files.flaggedIds = FLAGGED_IDS_FILE;
  const manifestPath = join(runDir, 'run.json');
  await writeJsonAtomic(manifestPath, manifest);
  Object.assign(manifest.files, await renderRunDirectory(runDir));
  await writeJsonAtomic(manifestPath, manifest);
  return { verdict: manifest.verdict, report: manifest.files.report ?? 'report.html' };
}

/** The spans flagged ids are attributed to: the steps that ran, or the whole soak of a soak whose harness died before recording its one step. */
function namedSpans(manifest: RunManifest): NamedSpan[] {
  const ran = manifest.steps.filter((s) => s.status !== 'skipped').map((s) => ({ name: s.name, startedAt: Date.parse(s.startedAt), endedAt: Date.parse(s.endedAt) }));
  if (ran.length === 0 && manifest.method === 'soak') return [{ name: 'soak', startedAt: Date.parse(manifest.startedAt), endedAt: Infinity }];
  return ran;
}
