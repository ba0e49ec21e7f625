import { relative } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { resolveConfig } from '../core/config.js';
import { EMBEDDED_PACKAGES, embeddedVersions } from '../scenarios/providers/embedded-binaries.js';
import { NOTIFICATIONS_BASELINES } from '../scenarios/datasets/notifications.js';
import { rehearseMinor } from '../scenarios/rehearse-minor.js';
import type { CliRuntime } from './runtime.js';
import { loadCliConfig } from './load-config.js';
import { parseDuration, parsePositive } from './duration.js';

export interface RehearseOptions {
  from: string;
  to: string;
  method: string;
  scale: string;
  rate: string;
  duration: string;
  runsDir: string;
  name?: string;
  config?: string;
}

/** The action of `cutover rehearse`, loaded only when the command runs. */
export async function runRehearse(options: RehearseOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  // Validate everything before any server starts.
  for (const flag of ['from', 'to'] as const) {
    if (!EMBEDDED_PACKAGES[options[flag]]) {
      throw new CutoverError('usage', `--${flag}: expected one of ${embeddedVersions().join(', ')}, got "${options[flag]}"`);
    }
  }
  if (major(options.from) !== major(options.to)) {
    throw new CutoverError('usage', `--method minor: --from and --to must be the same major, got ${options.from} and ${options.to}`);
  }
  const scale = Number(options.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10_000) {
    throw new CutoverError('usage', `--scale: expected a number above 0 and at most 10000, got "${options.scale}"`);
  }
  const rate = parsePositive('--rate', options.rate, { max: 100_000, what: 'attempts per second above 0' });
  const soakAroundMs = parseDuration('--duration', options.duration, { minMs: 0, maxMs: 24 * 3_600_000 });
  const loaded = await loadCliConfig(options.config, runtime.cwd);
  // The dataset brings its own EXPLAIN baselines, kept beside any the user configured.
  const config = resolveConfig({
    ...loaded.config,
    // The compatibility checks look at the upgrade being rehearsed unless the user says otherwise.
    upgrade: { targetMajor: loaded.config.upgrade.targetMajor ?? Number(major(options.to)) },
    explain: { ...loaded.config.explain, queries: [...loaded.config.explain.queries, ...NOTIFICATIONS_BASELINES] },
  });

  const { runDir, manifest } = await rehearseMinor({
    from: options.from,
    to: options.to,
    scale,
    rate,
    soakAroundMs,
    config,
    runsDir: options.runsDir,
    name: options.name,
    log: (line) => io.err(`cutover: ${line}`),
    signal: runtime.signal,
  });
  const rel = relative(runtime.cwd, runDir);
  const shown = rel && !rel.startsWith('..') ? rel : runDir;
  for (const step of manifest.steps) {
    io.out(
      `${step.name}: ${step.status}, ${step.durationMs} ms, downtime ${step.downtimeMs ?? '—'} ms, failed attempts ${step.failedAttempts ?? '—'}, ` +
        `lost ${step.lost ?? '—'}, unexpected ${step.unexpected ?? '—'}, duplicated ${step.duplicated ?? '—'}`,
    );
  }
  if (manifest.error) io.out(`error: ${manifest.error}`);
  io.out(`verdict: ${manifest.verdict}`);
  io.out(`report: ${shown}/report.html`);
  if (manifest.verdict === 'error') return 3;
  return manifest.verdict === 'fail' ? 1 : 0;
}

function major(version: string): string {
  return version.split('.')[0] ?? version;
}
