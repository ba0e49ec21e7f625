import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { describeEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { readRunManifest } from '../reports/render-run.js';
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
import type { RunManifest } from '../scenarios/run-manifest.js';
import { flaggedIdsLine } from './flagged-ids-line.js';

export interface VerifyOptions {
  runDir?: string;
  db?: string;
  json?: boolean;
  /** Where to list each flagged id (`-`: stdout). */
  ids?: string;
}

/**
 * Runs `cutover verify`: re-verifies the ledger of a run directory (a finished one, or one whose
 * harness died mid-soak) against a database and prints the same figures as `cutover soak`.
 * Reads the run directory only; it writes nothing but the file `--ids` names.
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

  if (options.json) {
    io.out(JSON.stringify(summary));
  } else {
    const counts = flaggedCounts(flagged);
    say(`verified ${plain(runDir)} against ${plain(describeEndpoint(endpoint))}: ${ledgers.length} writer${ledgers.length === 1 ? '' : 's'}, ${verification.queries} queries, ${Math.round(verification.durationMs)} ms`);
    const crashed = ledgers.filter((l) => !l.closed).length;
    if (crashed > 0 || !driver.complete) {
      say(`partial run: ${crashed} ledger${crashed === 1 ? '' : 's'} not closed (the harness stopped mid-soak); attempts past the last flush count as unknown, and the last outage may be open`);
    }
    for (const line of summaryLines(summary, analysis.downtime, soak.degradedThresholdMs, io.style)) say(line);
    if (manifest.steps.length > 1 || (manifest.steps[0] && manifest.steps[0].action !== 'soak')) {
      manifest.steps.forEach((s, i) => {
        const f = analysis.steps[i];
        if (f) say(`step ${plain(s.name)}: downtime ${f.downtimeMs} ms, ${f.failedAttempts} failed attempts, ${f.lost} lost, ${f.unexpected} unexpected, ${f.duplicated} duplicated`);
      });
    }
    const ids = flaggedIdsLine(counts, options.ids === '-' ? 'ids on stdout' : options.ids ? `ids in ${plain(options.ids)}` : 'list them with --ids FILE');
    if (ids) say(ids);
  }
  return soakPassed(summary) ? 0 : 1;
}

/** The spans flagged ids are attributed to: the steps that ran, or the whole soak of a soak whose harness died before recording its one step. */
function namedSpans(manifest: RunManifest): NamedSpan[] {
  const ran = manifest.steps.filter((s) => s.status !== 'skipped').map((s) => ({ name: s.name, startedAt: Date.parse(s.startedAt), endedAt: Date.parse(s.endedAt) }));
  if (ran.length === 0 && manifest.method === 'soak') return [{ name: 'soak', startedAt: Date.parse(manifest.startedAt), endedAt: Infinity }];
  return ran;
}
