import { existsSync } from 'node:fs';
import { CATALOG } from '../checks/catalog.js';
import { dataFindings } from '../validate/data-findings.js';
import { FINDINGS_FILE, POST_SNAPSHOT_FILE, PRE_SNAPSHOT_FILE, RUN_FILE, SQLITE_SNAPSHOT_FILE } from '../run/run-files.js';
import { readSqliteSnapshot } from '../checks/sqlite/sqlite-snapshot.js';
import { migrationFindings } from '../validate/migration-findings.js';
import { migrationSpecSchema, type MigrationSpec } from '../validate/migration-spec.js';
import type { RunManifest } from '../run/manifest.js';
import { sqliteRunReport } from './sqlite-run-gate.js';
import { join } from 'node:path';
import { errorRecord } from '../core/errors.js';
import { readSnapshot } from '../checks/snapshot.js';
import { diffAndGate } from './diff-and-gate.js';
import { diffCheckSteps } from './check-step-diffs.js';
import { renderRunDirectory } from './render-run.js';
import { writeJsonAtomic } from '../run/run-directory.js';
import { soakPassed } from '../load/analysis/soak-summary.js';
import { recordJudgement } from '../run/soak-results.js';
import type { FinishRun, RunToFinish } from '../run/finish.js';
import { parseThresholds } from '../core/threshold-expression.js';
import { readTimeline } from '../load/timeline-reader.js';
import { evaluateThresholds } from './thresholds/evaluate-thresholds.js';
import { baselineThresholds } from './thresholds/baseline-thresholds.js';
import { timelineFigures } from './thresholds/timeline-figures.js';
import { baselineChangeThresholds } from './compare/baseline-change-thresholds.js';

/**
 * Closes a run: diffs the snapshots it has, decides the verdict, writes `findings.json` and
 * `run.json`, and renders the report. Runs whatever happened before, so that a failed or
 * interrupted run still leaves a readable directory.
 */
export const finishRun: FinishRun = async (o: RunToFinish): Promise<void> => {
  const { runDir, manifest } = o;
  const prePath = join(runDir, PRE_SNAPSHOT_FILE);
  const postPath = join(runDir, POST_SNAPSHOT_FILE);
  let gateVerdict: 'pass' | 'warn' | 'fail' | undefined;
  // Data validation's findings (data/*) go through the same gate as the checks'.
  const dataFound = (manifest.data ?? []).flatMap((d) => dataFindings(d.result));
  const sqlitePath = join(runDir, SQLITE_SNAPSHOT_FILE);
  if (existsSync(sqlitePath) && existsSync(postPath)) {
    // A move off SQLite: the file's checks, the server's, the data and the rollback matrix, gated together.
    try {
      const matrix = manifest.migration ? migrationFindings(manifest.migration.result, migrationSpecOf(manifest)) : [];
      const report = sqliteRunReport(await readSqliteSnapshot(sqlitePath), await readSnapshot(postPath), o.config, [...dataFound, ...matrix]);
      await writeJsonAtomic(join(runDir, FINDINGS_FILE), report);
      manifest.files.findings = FINDINGS_FILE;
      gateVerdict = report.verdict;
    } catch (error) {
      manifest.error ??= errorRecord(error, 'diff');
    }
  } else if (existsSync(prePath) && existsSync(postPath)) {
    try {
      const report = diffAndGate(await readSnapshot(prePath), await readSnapshot(postPath), o.config, CATALOG, dataFound);
      await writeJsonAtomic(join(runDir, FINDINGS_FILE), report);
      manifest.files.findings = FINDINGS_FILE;
      gateVerdict = report.verdict;
    } catch (error) {
      manifest.error ??= errorRecord(error, 'diff');
    }
  }
  // Check steps between hops: what each stretch changed (informative, not gated).
  await diffCheckSteps(runDir, manifest, o.config);
  const stepFailed = manifest.steps.some((s) => s.status === 'failed');
  // An acknowledged write lost, or a write that should not exist, fails the run whatever the checks say.
  const soakFailed = manifest.soak?.summary !== undefined && !soakPassed(manifest.soak.summary);
  // No pass without evidence: a soak that measured nothing trustworthy makes the run an error,
  // and downtime over the user's limit fails the gate.
  const judged = manifest.soak ? recordJudgement(manifest.soak, { minSuccessRatio: o.config.gate.minSuccessRatio, maxDowntimeMs: o.config.gate.maxDowntime }) : undefined;
  const noEvidence = judged !== undefined && !judged.passed;
  const overDowntime = manifest.soak?.downtimeLimit?.exceeded === true;
  // The configuration's thresholds (k6's shape) on the soak's timeline: any crossed fails the gate.
  const thresholds = parseThresholds(o.config.thresholds);
  if (thresholds.length > 0 && manifest.soak && existsSync(join(runDir, manifest.files.timeline ?? 'timeline.ndjson'))) {
    try {
      manifest.thresholds = evaluateThresholds(thresholds, timelineFigures(await readTimeline(join(runDir, manifest.files.timeline ?? 'timeline.ndjson')), thresholds));
    } catch (error) {
      manifest.error ??= errorRecord(error, 'thresholds');
    }
  }
  // The absolute thresholds (latency, errors, tps) on a rehearsal's baselines too: each is a
  // measurement of its own, blue's before the steps and green's after them.
  for (const side of ['blue', 'green'] as const) {
    const record = manifest.baselines?.[side];
    if (!record?.valid || thresholds.length === 0) continue;
    try {
      const judged = await baselineThresholds(runDir, record, thresholds);
      manifest.thresholds = [...(manifest.thresholds ?? []), ...judged.map((r) => ({ ...r, scope: `${side} baseline` }))];
    } catch (error) {
      manifest.error ??= errorRecord(error, 'thresholds');
    }
  }
  // And the change thresholds on a rehearsal's blue and green baselines, as `cutover compare RUN` judges them.
  if (thresholds.some((t) => t.metric === 'latency_change' || t.metric === 'tps_change') && manifest.baselines?.blue && manifest.baselines.green) {
    try {
      const judged = await baselineChangeThresholds(runDir, manifest, thresholds);
      manifest.thresholds = [...(manifest.thresholds ?? []), ...judged];
    } catch (error) {
      manifest.error ??= errorRecord(error, 'thresholds');
    }
  }
  const thresholdCrossed = manifest.thresholds?.some((t) => !t.passed) === true;
  // Stopped by Ctrl-C (run-scenario.ts sets `interrupted`): not an error of the run, and no pass either.
  manifest.verdict = manifest.interrupted ? 'interrupted' : manifest.error || noEvidence ? 'error' : stepFailed || soakFailed || overDowntime || thresholdCrossed ? 'fail' : (gateVerdict ?? 'error');
  manifest.endedAt = new Date().toISOString();
  manifest.durationMs = Date.now() - o.started;
  await writeJsonAtomic(join(runDir, RUN_FILE), manifest);
  try {
    const written = await renderRunDirectory(runDir);
    Object.assign(manifest.files, written);
    await writeJsonAtomic(join(runDir, RUN_FILE), manifest);
  } catch (error) {
    manifest.error ??= errorRecord(error, 'report');
    manifest.verdict = 'error';
    await writeJsonAtomic(join(runDir, RUN_FILE), manifest);
  }
};

/** The rollback matrix's thresholds as the run's scenario set them (run.json keeps the scenario), else the runbook's defaults. */
function migrationSpecOf(manifest: RunManifest): MigrationSpec {
  const scenario = manifest.config.scenario;
  const raw = typeof scenario === 'object' && scenario !== null && 'migration' in scenario ? scenario.migration : undefined;
  return migrationSpecSchema.parse(raw ?? {});
}
