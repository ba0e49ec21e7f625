import { join, relative } from 'node:path';
import { CutoverError, errorInfo, errorLine, errorRecord } from '../core/errors.js';
import { describeEndpoint, publicEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import type { SoakRunResult } from '../load/soak-run.js';
import { soakPassed } from '../load/analysis/soak-summary.js';
import { ledgerDir } from '../load/ledger-format.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import { createRunDirectory, writeJsonAtomic } from '../run/run-directory.js';
import type { RunManifest } from '../run/manifest.js';
import { signalInterruption } from '../run/interruption.js';
import { SoakLifecycle, type VerifiedSoak } from '../run/soak-lifecycle.js';
import { newRunManifest } from '../run/new-manifest.js';
import { recordJudgement, wholeSoakStep } from '../run/soak-results.js';
import { renderRunDirectory } from '../reports/render-run.js';
import type { CliRuntime } from './runtime.js';
import { soakGate, soakPlan, type SoakOptions } from './soak-plan.js';
import { loadCliConfig } from './load-config.js';
import { downtimeReason } from '../reports/gate.js';
import { interruptedText, loadLine, progressLine, sampleLine, summaryLines } from './soak-lines.js';
import { plain } from './io.js';
import { FLAGGED_IDS_FILE, writeFlaggedIds, type FlaggedCounts } from '../load/flagged-ids-file.js';
import { flaggedIdsLine } from './flagged-ids-line.js';
import { parseThresholds } from '../core/threshold-expression.js';
import { crossedReason, evaluateThresholds, thresholdLines, timelineFigures } from '../reports/thresholds/index.js';
import { readTimeline } from '../load/timeline-reader.js';

export type { SoakOptions } from './soak-plan.js';

/** Seconds between plain progress lines when stderr is not a terminal. */
const PLAIN_PROGRESS_EVERY = 5;

/**
 * Runs `cutover soak`: a steady load with a ledger against one database, then verification of
 * every ledgered write against that database. Exit 0 when nothing was lost, unexpected or
 * duplicated, 1 when something was, 3 when the soak could not complete.
 */
export async function runSoak(options: SoakOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  // Everything is validated before the first connection opens.
  const plan = soakPlan(options);
  // The gate's limits: the flags, else the configuration file's `gate`.
  const config = (await loadCliConfig(options.config, runtime.cwd)).config;
  const gate = soakGate(plan, config.gate);
  const thresholds = parseThresholds(config.thresholds);
  const endpoint = resolveEndpoint({ url: options.db, urlLabel: '--db' }, runtime.env, undefined, (m) => io.err(`cutover: warning: ${m}`));
  const runDir = await createRunDirectory({ name: 'soak', parent: 'runs', dir: plan.runDir });
  const rel = relative(runtime.cwd, runDir);
  const shownDir = rel && !rel.startsWith('..') ? rel : runDir;
  const manifestPath = join(runDir, 'run.json');
  const started = Date.now();
  const recent: TimelineBucket[] = [];
  let announced = false;
  const lifecycle = new SoakLifecycle({
    runDir,
    endpoint,
    settings: {
      workload: plan.workload,
      schema: plan.schema,
      rate: plan.rate,
      durationMs: plan.durationMs,
      timeoutMs: plan.timeoutMs,
      degradedThresholdMs: plan.degradedThresholdMs,
      probe: plan.probe,
      connections: plan.connections,
    },
    hooks: {
      signal: runtime.signal,
      onRecord: () => void save().catch(() => {}),
      onNewErrorClass: (lane, sample) => {
        // Said at once, with its words: a class such as `other` alone would not tell why.
        if (io.errTty && io.errUpdate) io.errUpdate('');
        io.err(`cutover: soak: ${lane === 'probe' ? 'probe: ' : ''}new error class ${plain(sampleLine(sample))}`);
      },
      onSecond: (bucket) => {
        if (!announced && bucket.ok > 0) {
          announced = true;
          // Tests and scripts wait for this line before injecting faults.
          io.err('cutover: soak: load running');
        }
        recent.push(bucket);
        if (recent.length > PLAIN_PROGRESS_EVERY) recent.shift();
        const line = progressLine(io.errTty ? recent.slice(-1) : recent, lifecycle.run.live().driver, Date.now());
        if (io.errTty && io.errUpdate) io.errUpdate(line);
        else if ((bucket.second + 1) % PLAIN_PROGRESS_EVERY === 0) io.err(`cutover: ${line}`);
        // The seq clock and writers reach run.json as the soak goes, for a verify after a crash.
        if ((bucket.second + 1) % PLAIN_PROGRESS_EVERY === 0) {
          lifecycle.checkpoint();
          void save().catch(() => {});
        }
      },
    },
  });
  const record = lifecycle.record;
  const manifest: RunManifest = {
    ...newRunManifest({
      name: 'soak',
      method: 'soak',
      started,
      config: { rate: plan.rate, durationMs: plan.durationMs, workload: plan.workload.name, driver: plan.driver, schema: plan.schema, probe: plan.probe !== false, gate },
      endpoints: { writer: publicEndpoint(endpoint) },
      files: { ...lifecycle.files },
    }),
    soak: record,
  };
  const save = () => writeJsonAtomic(manifestPath, manifest);
  await save();
  // When Ctrl-C arrived: the load drains and is verified after it, so the stop is recorded now.
  let signalledAt: number | undefined;
  runtime.signal.addEventListener('abort', () => (signalledAt ??= Date.now()), { once: true });
  io.err(`cutover: soak of ${plain(describeEndpoint(endpoint))} at ${plan.rate}/s for ${plan.durationMs / 1000} s, workload ${plan.workload.name}; run directory ${plain(shownDir)}`);
  lifecycle.start();

  let result: SoakRunResult;
  try {
    result = await lifecycle.drain();
  } catch (error) {
    if (io.errTty && io.errUpdate) io.errUpdate('');
    manifest.error = errorRecord(error);
    await finish(manifest, started, 'error', save);
    throw error;
  }
  if (io.errTty && io.errUpdate) io.errUpdate('');
  await save();
  const interruption = runtime.signal.aborted
    ? signalInterruption(runtime.signal, { at: signalledAt ?? Date.now(), plannedDurationMs: plan.durationMs, actualDurationMs: Math.round(result.driver.durationMs) })
    : undefined;
  if (interruption) io.err('cutover: interrupted: the load has drained; verifying what it wrote');

  let verified: VerifiedSoak;
  try {
    verified = await lifecycle.verify(endpoint);
  } catch (error) {
    manifest.error = errorRecord(error, 'verification');
    await finish(manifest, started, 'error', save);
    const reason = error instanceof CutoverError ? error.shortMessage : errorInfo(error).message;
    throw new CutoverError(error instanceof CutoverError ? error.code : 'internal', `the soak ran, but its ledger could not be verified: ${reason}; run \`cutover verify --run-dir ${shownDir} --db …\` when the database is back`, { cause: error });
  }
  const { analysis } = verified;
  let flagged: FlaggedCounts | undefined;
  try {
    // Every flagged id, however many: run.json keeps only the first ones.
    const soakSpan = { name: 'soak', startedAt: Date.parse(result.driver.startedAt), endedAt: Date.parse(result.driver.endedAt) };
    flagged = await writeFlaggedIds(join(runDir, FLAGGED_IDS_FILE), { flagged: verified.verification.flagged, ledgers: verified.ledgers, clock: result.seqClock, steps: [soakSpan] });
    manifest.files.flaggedIds = FLAGGED_IDS_FILE;
  } catch (error) {
    io.err(`cutover: warning: ${errorLine(error)}; \`cutover verify --ids FILE\` lists them`);
  }
  const summary = analysis.summary;
  // The whole soak is the run's one step: its figures are the run's totals.
  manifest.steps = [
    // Stopped short of its planned duration: it neither failed nor did what was asked.
    wholeSoakStep({ startedAt: Date.parse(result.driver.startedAt), endedAt: Date.parse(result.driver.endedAt), status: interruption ? 'interrupted' : 'ok', summary }),
  ];
  const passed = soakPassed(summary);
  // The configuration's thresholds (k6's shape) on the soak's whole timeline: any crossed fails the gate.
  const judged = thresholds.length > 0 ? evaluateThresholds(thresholds, timelineFigures(await readTimeline(runDir), thresholds)) : [];
  if (judged.length > 0) manifest.thresholds = judged;
  const crossed = crossedReason(judged);
  // No pass without evidence (exit 3), and downtime over the user's limit fails the gate (exit 1).
  const evidence = recordJudgement(record, gate);
  const noEvidence = evidence !== undefined && !evidence.passed;
  const overDowntime = record.downtimeLimit?.exceeded === true;
  // An interrupted soak is not a pass whatever it measured; its figures stay in the record.
  const verdict = interruption ? 'interrupted' : noEvidence ? 'error' : passed && !overDowntime && !crossed ? 'pass' : 'fail';
  if (interruption) manifest.interrupted = interruption;
  await finish(manifest, started, verdict, save);
  try {
    Object.assign(manifest.files, await renderRunDirectory(runDir));
    await save();
  } catch (error) {
    io.err(`cutover: warning: the report could not be rendered: ${errorLine(error)}`);
  }

  if (plan.json) {
    io.out(JSON.stringify(summary));
  } else {
    io.out(loadLine(result.driver));
    const judgement = { ...(interruption ? { interrupted: interruption } : {}), ...(record.load ? { errors: record.load } : {}), ...(record.probe ? { probeErrors: record.probe } : {}), ...(evidence ? { evidence } : {}), ...(record.downtimeLimit ? { downtimeLimit: record.downtimeLimit } : {}), ...(record.writerServers ? { writerServers: record.writerServers } : {}) };
    for (const line of summaryLines(summary, analysis.downtime, plan.degradedThresholdMs, io.style, judgement)) io.out(line);
    for (const line of thresholdLines(judged, io.style)) io.out(line);
    const ids = flagged && flaggedIdsLine(flagged, `ids in ${plain(join(shownDir, FLAGGED_IDS_FILE))}`);
    if (ids) io.out(ids);
    io.out(`run directory: ${plain(shownDir)} (ledger in ${plain(relative(runDir, ledgerDir(runDir)))}/)`);
  }
  // The reason goes to the terminal whatever stdout carries (the JSON contract has no room for it).
  if (plan.json && interruption) io.err(`cutover: ${interruptedText(interruption)}`);
  if (plan.json && noEvidence) io.err(`cutover: no evidence to pass on: ${plain(evidence.reasons.join('; '))}`);
  if (plan.json && !noEvidence && overDowntime && record.downtimeLimit) io.err(`cutover: gate failed: ${downtimeReason(record.downtimeLimit.downtimeMs, record.downtimeLimit.maxDowntimeMs)}`);
  if (plan.json && !noEvidence && crossed) io.err(`cutover: gate failed: ${plain(crossed)}`);
  return verdict === 'interrupted' ? 130 : verdict === 'error' ? 3 : verdict === 'pass' ? 0 : 1;
}

async function finish(manifest: RunManifest, started: number, verdict: RunManifest['verdict'], save: () => Promise<void>): Promise<void> {
  manifest.verdict = verdict;
  manifest.endedAt = new Date().toISOString();
  manifest.durationMs = Date.now() - started;
  await save();
}
