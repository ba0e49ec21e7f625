import { join, relative } from 'node:path';
import { finishRun } from '../reports/finish-run.js';
import { resolveConfig } from '../core/config.js';
import type { RunManifest } from '../run/manifest.js';
import { loadScenarioFile } from '../scenarios/scenario-file.js';
import { runScenario } from '../scenarios/runner/index.js';
import { scenarioTargetMajor } from '../scenarios/runner/scenario-target-major.js';
import type { CliRuntime } from './runtime.js';
import { appendStepSummary } from './step-summary.js';
import { loadCliConfig } from './load-config.js';
import { parseDuration } from '../core/duration.js';
import { errorLines } from './soak-lines.js';
import { downtimeReason } from '../reports/gate.js';
import { thresholdLines } from '../reports/thresholds/threshold-lines.js';
import { flaggedIdsLine } from './flagged-ids-line.js';
import { plain } from './io.js';
import { errorRecordLine } from './terminal-lines.js';

export interface RunOptions {
  runsDir: string;
  name?: string;
  config?: string;
  maxDowntime?: string;
}

/** The action of `cutover run`, loaded only when the command runs. */
export async function runScenarioFile(file: string, options: RunOptions, runtime: CliRuntime): Promise<number> {
  const maxDowntime = options.maxDowntime === undefined ? undefined : parseDuration('--max-downtime', options.maxDowntime, { minMs: 0 });
  const scenario = await loadScenarioFile(file);
  const fromFile = scenario.config ? resolveConfig(scenario.config, `${file}: field "config"`) : (await loadCliConfig(options.config, runtime.cwd)).config;
  // The flag overrides the configuration's downtime limit.
  const given = maxDowntime === undefined ? fromFile : resolveConfig({ ...fromFile, gate: { ...fromFile.gate, maxDowntime } });
  // The compatibility checks look at the major the scenario's green runs, unless configured.
  const targetMajor = given.upgrade.targetMajor ?? (await scenarioTargetMajor(scenario));
  const config = targetMajor === given.upgrade.targetMajor ? given : resolveConfig({ ...given, upgrade: { ...given.upgrade, targetMajor } });
  const { runDir, manifest } = await runScenario(scenario, {
    runsDir: options.runsDir,
    finish: finishRun,
    name: options.name,
    config,
    log: (line) => runtime.io.err(`cutover: ${line}`),
    signal: runtime.signal,
    argv: ['cutover', ...process.argv.slice(2)],
  });
  await appendStepSummary(runDir, runtime);
  return printRunResult(manifest, runDir, runtime);
}

/** The step table in the terminal, the verdict and where the report is; returns the exit code. */
export function printRunResult(manifest: RunManifest, runDir: string, runtime: CliRuntime): number {
  const { io } = runtime;
  const rel = relative(runtime.cwd, runDir);
  const shown = rel && !rel.startsWith('..') ? rel : runDir;
  for (const step of manifest.steps) {
    io.out(
      // A figure nothing measured (no soak ran through the step) is a bare dash, never "— ms".
      `${step.name}: ${step.status}, ${step.durationMs} ms, downtime ${step.downtimeMs === null ? '—' : `${step.downtimeMs} ms`}, failed attempts ${step.failedAttempts ?? '—'}, ` +
        `lost ${step.lost ?? '—'}, unexpected ${step.unexpected ?? '—'}, duplicated ${step.duplicated ?? '—'}` +
        (step.error ? ` (${errorRecordLine(step.error)})` : ''),
    );
  }
  for (const [role, dir] of Object.entries(manifest.keptData ?? {})) io.out(`kept ${role}'s data directory: ${dir}`);
  if (manifest.error) io.out(`error: ${errorRecordLine(manifest.error)}`);
  const soakRecord = manifest.soak;
  if (soakRecord?.load) for (const line of errorLines('soak errors', soakRecord.load)) io.out(line);
  if (soakRecord?.probe) for (const line of errorLines('probe errors', soakRecord.probe)) io.out(line);
  if (soakRecord?.downtimeLimit) {
    const l = soakRecord.downtimeLimit;
    io.out(l.exceeded ? `gate failed: ${downtimeReason(l.downtimeMs, l.maxDowntimeMs)}` : `downtime ${l.downtimeMs} ms, within the limit of ${l.maxDowntimeMs} ms`);
  }
  for (const reason of soakRecord?.evidence?.reasons ?? []) io.out(`error: no evidence to pass on: ${reason}`);
  for (const line of thresholdLines(manifest.thresholds ?? [], io.style)) io.out(line);
  const soak = manifest.soak?.summary;
  const late = manifest.steps.reduce((sum, s) => sum + (s.late ?? 0), 0);
  const ids = soak && manifest.files.flaggedIds && flaggedIdsLine({ lost: soak.lost, unexpected: soak.unexpected, duplicated: soak.duplicated, late }, `ids in ${plain(join(shown, manifest.files.flaggedIds))}`);
  if (ids) io.out(ids);
  io.out(`verdict: ${manifest.verdict}`);
  io.out(`report: ${shown}/report.html`);
  if (manifest.verdict === 'interrupted') return 130;
  if (manifest.verdict === 'error') return 3;
  return manifest.verdict === 'fail' ? 1 : 0;
}
