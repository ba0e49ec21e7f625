import { CutoverError } from '../core/errors.js';
import { finishRun } from '../reports/finish-run.js';
import { resolveConfig } from '../core/config.js';
import { ACTIONS } from '../scenarios/actions/index.js';
import { findLab } from '../scenarios/providers/lab-installations.js';
import { METHOD_ACTIONS, rehearsalScenario, type RehearsalMethod } from '../scenarios/runner/rehearsal-scenario.js';
import { runScenario } from '../scenarios/runner/index.js';
import { validateScenario } from '../scenarios/scenario-file.js';
import type { CliRuntime } from './runtime.js';
import { appendStepSummary } from './step-summary.js';
import { loadCliConfig } from './load-config.js';
import { parseDuration, parsePositive } from '../core/duration.js';
import { printRunResult } from './run-action.js';
import { parseSqliteLocation } from '../core/sqlite-location.js';
import { openSqliteFile } from '../core/sqlite-file.js';

export interface RehearseOptions {
  method?: RehearsalMethod;
  fromImage?: string;
  toImage?: string;
  upgradeImage?: string;
  from?: string;
  to?: string;
  fromBindir?: string;
  toBindir?: string;
  switchover: 'hard' | 'pause';
  mode: 'link' | 'copy';
  scale: string;
  rate: string;
  duration: string;
  runsDir: string;
  name?: string;
  config?: string;
  maxDowntime?: string;
  loader?: 'auto' | 'builtin' | 'pgloader';
  loadCommand?: string;
}

/** The action of `cutover rehearse`, loaded only when the command runs. */
export async function runRehearse(options: RehearseOptions, runtime: CliRuntime): Promise<number> {
  // Validate everything before any server starts.
  const method: RehearsalMethod = options.method ?? (options.fromImage !== undefined ? 'image-swap' : 'logical');
  const action = METHOD_ACTIONS[method];
  if (!Object.hasOwn(ACTIONS, action)) {
    throw new CutoverError('usage', `--method ${method}: not available in this build (its action "${action}" is missing); expected one of ${availableMethods().join(', ')}`);
  }
  const scale = Number(options.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10_000) {
    throw new CutoverError('usage', `--scale: expected a number above 0 and at most 10000, got "${options.scale}"`);
  }
  const rate = parsePositive('--rate', options.rate, { max: 100_000, what: 'attempts per second above 0' });
  const durationMs = parseDuration('--duration', options.duration, { minMs: 0, maxMs: 24 * 3_600_000 });
  const maxDowntime = options.maxDowntime === undefined ? undefined : parseDuration('--max-downtime', options.maxDowntime, { minMs: 0 });
  const { scenario, targetMajor } = rehearsalScenario(
    { method, ...(options.fromImage !== undefined ? { fromImage: options.fromImage } : {}), ...(options.toImage !== undefined ? { toImage: options.toImage } : {}), ...(options.upgradeImage !== undefined ? { upgradeImage: options.upgradeImage } : {}), from: options.from, to: options.to, fromBindir: options.fromBindir, toBindir: options.toBindir, switchover: options.switchover, mode: options.mode, scale, rate, durationMs, name: options.name, ...(options.loader !== undefined ? { loader: options.loader } : {}), ...(options.loadCommand !== undefined ? { loadCommand: options.loadCommand } : {}), cwd: runtime.cwd },
    findLab(runtime.env),
  );
  // A SQLite file that cannot be read is the flag's error, said before any directory or server exists.
  if (scenario.blue.provider === 'sqlite' && scenario.blue.file !== undefined && options.from !== undefined) {
    const location = parseSqliteLocation(options.from, runtime.cwd);
    if (location) (await openSqliteFile(location, { label: '--from' })).close();
  }
  const loaded = await loadCliConfig(options.config, runtime.cwd);
  // The compatibility checks look at the upgrade being rehearsed unless the user says otherwise.
  const config = resolveConfig({
    ...loaded.config,
    upgrade: { targetMajor: loaded.config.upgrade.targetMajor ?? (targetMajor || undefined) },
    gate: { ...loaded.config.gate, ...(maxDowntime !== undefined ? { maxDowntime } : {}) },
  });
  const { runDir, manifest } = await runScenario(validateScenario(scenario, 'cutover rehearse'), {
    runsDir: options.runsDir,
    finish: finishRun,
    method: scenario.blue.provider === 'sqlite' ? 'sqlite' : method,
    config,
    log: (line) => runtime.io.err(`cutover: ${line}`),
    signal: runtime.signal,
    argv: ['cutover', ...process.argv.slice(2)],
  });
  await appendStepSummary(runDir, runtime);
  return printRunResult(manifest, runDir, runtime);
}

function availableMethods(): string[] {
  return (Object.keys(METHOD_ACTIONS) as RehearsalMethod[]).filter((m) => Object.hasOwn(ACTIONS, METHOD_ACTIONS[m]));
}
