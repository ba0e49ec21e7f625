import { join } from 'node:path';
import { CutoverError, errorInfo } from '../core/errors.js';
import { publicEndpoint } from '../core/endpoint.js';
import type { ResolvedConfig } from '../core/config.js';
import { toolVersion } from '../core/tool-version.js';
import { runSuite } from '../checks/suite.js';
import { writeSnapshot, type Snapshot } from '../checks/snapshot.js';
import { LocalServer } from './providers/local-server.js';
import { embeddedFullVersion } from './providers/embedded-binaries.js';
import { seedNotifications } from './datasets/notifications.js';
import { createRunDirectory, writeJsonAtomic } from './run-directory.js';
import type { RunManifest, StepRecord } from './run-manifest.js';
import { timeStep } from './step-timer.js';
import { finishRun } from './finish-run.js';

export interface RehearseMinorOptions {
  /** Embedded version to start from, e.g. `16.4`. */
  from: string;
  /** Embedded version to restart on, same major, e.g. `16` (16.14). */
  to: string;
  scale: number;
  config: ResolvedConfig;
  /** Parent of the run directory. */
  runsDir: string;
  name?: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface RehearsalResult {
  runDir: string;
  manifest: RunManifest;
}

/**
 * A minor-version rehearsal on an embedded server: seed, pre-checks, stop, swap binaries, start
 * on the same data directory (timed, with client downtime measured by a probe), post-checks,
 * diff, report. The run directory is rewritten after each phase, so it is readable at any stop.
 */
export async function rehearseMinor(options: RehearseMinorOptions): Promise<RehearsalResult> {
  const { log, config } = options;
  const from = embeddedFullVersion(options.from);
  const to = embeddedFullVersion(options.to);
  const name = options.name ?? `minor-${from}-to-${to}`;
  const runDir = await createRunDirectory({ name, parent: options.runsDir });
  const manifestPath = join(runDir, 'run.json');
  const started = Date.now();
  const manifest: RunManifest = {
    kind: 'cutover.run',
    schemaVersion: 1,
    tool: { name: 'cutover', version: toolVersion() },
    name,
    startedAt: new Date(started).toISOString(),
    endedAt: null,
    durationMs: null,
    verdict: 'running',
    method: 'minor',
    config: { from, to, scale: options.scale, provider: 'embedded', checks: config },
    endpoints: {},
    steps: [],
    files: {},
  };
  const save = () => writeJsonAtomic(manifestPath, manifest);
  await save();
  log(`run directory: ${runDir}`);

  let server: LocalServer | undefined;
  let pre: Snapshot | undefined;
  let post: Snapshot | undefined;
  try {
    checkAbort(options.signal);
    log(`provision: embedded PostgreSQL ${from}`);
    server = await LocalServer.start({ version: options.from, name: `blue (${from})` });
    const appEndpoint = server.endpoint('app');
    {
      await using admin = await server.admin();
      await admin.query('CREATE DATABASE app');
    }
    {
      await using app = await server.admin('app');
      const seeded = await seedNotifications(app, options.scale);
      log(`dataset: notifications, ${seeded.users} users, ${seeded.notifications} notifications`);
    }
    manifest.endpoints.blue = { ...publicEndpoint(appEndpoint), version: from };
    await save();

    checkAbort(options.signal);
    log('pre-checks');
    pre = await runSuite({ endpoint: appEndpoint, suite: 'pre', config });
    await writeSnapshot(join(runDir, 'pre.snapshot.json'), pre);
    manifest.files.preSnapshot = 'pre.snapshot.json';
    log(`pre-checks: ${summarise(pre)} on PostgreSQL ${pre.server.version}`);
    await save();

    checkAbort(options.signal);
    log(`step minor-restart: ${from} -> ${to}`);
    const target = server;
    const step: StepRecord = await timeStep({ name: `minor restart ${from} -> ${to}`, action: 'minor-restart', probe: appEndpoint }, async (ctx) => {
      ctx.phase('stop');
      await target.stop('fast');
      ctx.phase('start with new binaries');
      await target.restart({ version: options.to });
    });
    manifest.steps.push(step);
    manifest.endpoints.blue = { ...publicEndpoint(appEndpoint), version: to };
    await save();
    log(`step minor-restart: ${step.status}, ${step.durationMs} ms, downtime ${step.downtimeMs} ms (resolution ${step.downtimeResolutionMs} ms)`);
    if (step.status === 'failed') log(`step minor-restart failed: ${step.error}`);

    checkAbort(options.signal);
    log('post-checks');
    post = await runSuite({ endpoint: appEndpoint, suite: 'post', config });
    await writeSnapshot(join(runDir, 'post.snapshot.json'), post);
    manifest.files.postSnapshot = 'post.snapshot.json';
    log(`post-checks: ${summarise(post)} on PostgreSQL ${post.server.version}`);
  } catch (error) {
    manifest.error = errorInfo(error).message.split('\n')[0];
    manifest.verdict = 'error';
    if (error instanceof CutoverError && error.code === 'interrupted') log('interrupted: writing what the run has so far');
  } finally {
    await server?.close().catch((e: unknown) => log(`cleanup: ${errorInfo(e).message}`));
    await finishRun({ runDir, manifest, started, config });
  }
  if (manifest.error && options.signal?.aborted) {
    throw new CutoverError('interrupted', `interrupted; partial run in ${runDir}`);
  }
  return { runDir, manifest };
}

function summarise(s: Snapshot): string {
  const counts = { ok: 0, skipped: 0, error: 0 };
  for (const c of Object.values(s.checks)) counts[c.status]++;
  return `${counts.ok} ok, ${counts.skipped} skipped, ${counts.error} error`;
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CutoverError('interrupted', 'interrupted');
}
