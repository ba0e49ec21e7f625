import { join, relative } from 'node:path';
import { describeEndpoint, publicEndpoint } from '../core/endpoint.js';
import { errorLine, errorRecord } from '../core/errors.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { openSession } from '../core/session.js';
import { findPgbench } from '../load/pgbench/index.js';
import type { BaselineEngineRunner } from '../run/baseline-engine.js';
import { nodeEngine } from '../run/baseline-node.js';
import { pgbenchEngine } from '../run/baseline-pgbench.js';
import type { BaselineTarget } from '../run/baseline-plan.js';
import type { BaselineRecord } from '../run/baseline-record.js';
import { newBaselineRecord, runBaseline } from '../run/baseline-run.js';
import type { RunManifest } from '../run/manifest.js';
import { newRunManifest } from '../run/new-manifest.js';
import { createRunDirectory, writeJsonAtomic } from '../run/run-directory.js';
import { renderRunDirectory } from '../reports/render-run.js';
import { findLab } from '../scenarios/providers/lab-installations.js';
import { baselinePlan, type BaselineOptions } from './baseline-plan.js';
import { baselineSummaryLines } from './baseline-lines.js';
import { plain } from './io.js';
import type { CliRuntime } from './runtime.js';
import { loadCliConfig } from './load-config.js';
import { parseThresholds } from '../core/threshold-expression.js';
import { baselineThresholds, crossedReason, thresholdLines } from '../reports/thresholds/index.js';

/**
 * Runs `cutover baseline`: a run directory (run.json `baseline`, each repeat's seconds in
 * `baseline/<side>-<n>.timeline.ndjson` and all of them in timeline.ndjson), a line per repeat,
 * a summary per side. Exit 0 when every repeat is valid, 3 when one is not or the baseline could
 * not complete, 2 for usage (a script pgbench refuses included).
 */
export async function runBaselineCommand(options: BaselineOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  const plan = await baselinePlan(options, runtime.cwd);
  // The configuration's thresholds (k6's shape), checked before anything connects.
  const thresholds = parseThresholds((await loadCliConfig(options.config, runtime.cwd)).config.thresholds);
  const warn = (m: string) => io.err(`cutover: warning: ${m}`);
  const targets: BaselineTarget[] = [{ side: 'a', endpoint: resolveEndpoint({ url: options.db, urlLabel: '--db' }, runtime.env, undefined, warn) }];
  if (options.against !== undefined) targets.push({ side: 'b', endpoint: resolveEndpoint({ url: options.against, urlLabel: '--against' }, runtime.env, undefined, warn) });
  const runDir = await createRunDirectory({ name: 'baseline', parent: 'runs', ...(plan.runDir !== undefined ? { dir: plan.runDir } : {}) });
  const rel = relative(runtime.cwd, runDir);
  const shownDir = rel && !rel.startsWith('..') ? rel : runDir;
  const started = Date.now();
  const manifest: RunManifest = newRunManifest({
    name: 'baseline',
    method: 'baseline',
    started,
    config: {
      engine: plan.engine,
      workload: plan.load.kind === 'workload' ? plan.load.label : plan.load.scripts.map((s) => (s.kind === 'builtin' ? `builtin:${s.name}@${s.weight}` : `${s.path}@${s.weight}`)),
      rate: plan.rate,
      clients: plan.clients,
      durationMs: plan.durationMs,
      warmupMs: plan.warmupMs,
      repeat: plan.repeat,
      schema: plan.schema,
      ...(plan.scale !== undefined ? { scale: plan.scale } : {}),
    },
    endpoints: Object.fromEntries(targets.map((t) => [t.side, publicEndpoint(t.endpoint)])),
  });
  const save = () => writeJsonAtomic(join(runDir, 'run.json'), manifest);
  await save();
  io.err(`cutover: baseline of ${targets.map((t) => plain(describeEndpoint(t.endpoint))).join(' against ')}: ${plan.engine}, ${manifest.config.workload as string}, ${plan.rate === null ? 'max rate' : `${plan.rate}/s`}, ${plan.clients} clients, ${plan.repeat} × ${plan.durationMs / 1000} s (+${plan.warmupMs / 1000} s warm-up); run directory ${plain(shownDir)}`);

  let failure: unknown;
  let record: BaselineRecord | undefined;
  try {
    // Each server's version, for run.json and `cutover compare` (and a server that cannot be reached says so here).
    for (const t of targets) {
      await using db = await openSession(t.endpoint, { applicationName: 'cutover-baseline', signal: runtime.signal });
      const rows = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      manifest.endpoints[t.side] = { ...publicEndpoint(t.endpoint), ...(rows[0] ? { version: rows[0].v.split(' ')[0] ?? rows[0].v } : {}) };
    }
    await save();
    const engine = await makeEngine(plan, options, runtime, runDir);
    const older = olderPgbench(engine.version, Object.values(manifest.endpoints).map((e) => e?.version));
    if (older) io.err(`cutover: warning: ${older}`);
    const outcome = await runBaseline(plan, engine, targets, {
      runDir,
      combinedTimeline: true,
      signal: runtime.signal,
      log: (line) => io.err(`cutover: ${plain(line)}`),
      onRecord: async (r) => {
        manifest.baseline = r;
        await save();
      },
    });
    record = outcome.record;
    failure = outcome.error;
  } catch (error) {
    failure = error;
  }
  if (failure !== undefined) {
    manifest.error = errorRecord(failure);
    // Stopped before its first repeat (a server unreachable, pgbench missing): the baseline still says it is invalid.
    record ??= { ...newBaselineRecord(plan), valid: false, invalidReason: `could not complete: ${errorLine(failure)}` };
    manifest.baseline = record;
  }
  // Thresholds judge a valid baseline only: an invalid one is an error, not a figure to judge.
  const judged = failure === undefined && record?.valid ? await baselineThresholds(runDir, record, thresholds) : [];
  if (judged.length > 0) manifest.thresholds = judged;
  const crossed = crossedReason(judged);
  manifest.verdict = runtime.signal.aborted ? 'interrupted' : failure === undefined && record?.valid ? (crossed ? 'fail' : 'pass') : 'error';
  manifest.endedAt = new Date().toISOString();
  manifest.durationMs = Date.now() - started;
  manifest.files = { ...manifest.files, timeline: 'timeline.ndjson', ...(record?.repeats.length ? { baseline: 'baseline/' } : {}) };
  await save();
  try {
    Object.assign(manifest.files, await renderRunDirectory(runDir));
    await save();
  } catch (error) {
    io.err(`cutover: warning: the report could not be rendered: ${errorLine(error)}`);
  }
  if (record) for (const line of baselineSummaryLines(record)) io.out(line);
  for (const line of thresholdLines(judged, io.style)) io.out(line);
  io.out(`run directory: ${plain(shownDir)}`);
  if (failure !== undefined) throw failure;
  if (runtime.signal.aborted) return 130;
  if (record && !record.valid) {
    io.err(`cutover: the baseline is invalid: ${plain(record.invalidReason ?? '')}`);
    return 3;
  }
  return crossed ? 1 : 0;
}

async function makeEngine(plan: Awaited<ReturnType<typeof baselinePlan>>, options: BaselineOptions, runtime: CliRuntime, runDir: string): Promise<BaselineEngineRunner> {
  if (plan.engine === 'node') {
    if (plan.load.kind !== 'workload' || plan.rate === null) throw new Error('unreachable: the plan refuses node without a workload and a rate');
    return nodeEngine({ ...plan, rate: plan.rate }, plan.load.workload, { signal: runtime.signal });
  }
  const lab = findLab(runtime.env);
  const labDirs = lab ? [18, 17, 16, 15].map((m) => lab.bindir(m)).filter((d): d is string => d !== undefined) : [];
  const pgbench = await findPgbench({ ...(options.pgbenchBin !== undefined ? { explicit: options.pgbenchBin } : {}), after: labDirs, env: runtime.env });
  return pgbenchEngine(plan, { pgbench, runDir, env: runtime.env, signal: runtime.signal });
}

/**
 * A pgbench of an older major than a server it measures (the first on PATH often is): it runs, but
 * its connection and protocol code is not the server's; said so the user can pick another.
 */
export function olderPgbench(pgbench: string | undefined, servers: (string | undefined)[]): string | undefined {
  const major = (v: string | undefined) => (v === undefined ? NaN : Number(v.split('.')[0]));
  const newest = Math.max(...servers.map(major).filter((m) => !Number.isNaN(m)));
  if (pgbench === undefined || Number.isNaN(major(pgbench)) || !Number.isFinite(newest) || major(pgbench) >= newest) return undefined;
  return `pgbench ${pgbench} against PostgreSQL ${newest}: an older pgbench than the server; --pgbench-bin DIR picks the server's own (its bindir)`;
}
