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
import { finishRun } from './finish-run.js';
import type { SoakRun } from '../load/soak-run.js';
import { prepareWorkload } from '../load/workloads/prepare.js';
import { DEFAULT_WORKLOAD, workloadByName } from '../load/workloads/index.js';
import { writersTableDdl } from '../load/writer-registry.js';
import { soakStep } from './soak-step.js';
import { SCENARIO_SOAK, finishSoakThrough, startSoakThrough } from './soak-through.js';

export interface RehearseMinorOptions {
  /** Embedded version to start from, e.g. `16.4`. */
  from: string;
  /** Embedded version to restart on, same major, e.g. `16` (16.14). */
  to: string;
  scale: number;
  /** Attempts per second of the soak that runs through the step. */
  rate: number;
  /** Milliseconds the soak runs before the step, and again after it. */
  soakAroundMs: number;
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
 * A minor-version rehearsal on an embedded server: seed, pre-checks, a soak (ledgered load and
 * probe) that runs from a few seconds before the step to a few seconds after it, the step (stop,
 * swap binaries, start on the same data directory, timed), verification of every ledgered write,
 * post-checks, diff, report. The step's downtime, failed attempts, lost, unexpected and
 * duplicated writes come from the soak. The run directory is rewritten after each phase, so it
 * is readable at any stop.
 */
export async function rehearseMinor(options: RehearseMinorOptions): Promise<RehearsalResult> {
  const { log, config } = options;
  const from = embeddedFullVersion(options.from);
  const to = embeddedFullVersion(options.to);
  const name = options.name ?? `minor-${from}-to-${to}`;
  const workload = workloadByName(DEFAULT_WORKLOAD);
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
  let soak: SoakRun | undefined;
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
      // The soak's schema exists in both snapshots, so the checks compare it rather than report it new.
      await prepareWorkload(app, workload, SCENARIO_SOAK.schema);
      for (const statement of writersTableDdl(SCENARIO_SOAK.schema)) await app.query(statement);
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
    log(`soak: ${workload.name} at ${options.rate}/s, ${options.soakAroundMs / 1000} s before and after the step`);
    const running = await startSoakThrough({ runDir, endpoint: appEndpoint, workload, rate: options.rate, manifest, save, signal: options.signal });
    soak = running;
    await pause(options.soakAroundMs / 2, options.signal);

    checkAbort(options.signal);
    log(`step minor-restart: ${from} -> ${to}`);
    const target = server;
    const step: StepRecord = await soakStep(running, { name: `minor restart ${from} -> ${to}`, action: 'minor-restart' }, async (ctx) => {
      ctx.phase('stop');
      await target.stop('fast');
      ctx.phase('start with new binaries');
      await target.restart({ version: options.to });
    });
    manifest.steps.push(step);
    manifest.endpoints.blue = { ...publicEndpoint(appEndpoint), version: to };
    await save();
    if (step.status === 'failed') log(`step minor-restart failed: ${step.error}`);

    await pause(options.soakAroundMs / 2, options.signal);
    await finishSoakThrough({ soak: running, runDir, endpoint: appEndpoint, manifest, log }).catch((error: unknown) => {
      // Interrupted mid-step, the server may be down: the interruption is what to report.
      checkAbort(options.signal);
      throw error;
    });
    await save();
    log(`step minor-restart: ${step.status}, ${step.durationMs} ms, downtime ${step.downtimeMs} ms, ${step.failedAttempts} failed attempts`);

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
    soak?.stop();
    await soak?.done.catch((e: unknown) => log(`soak: ${errorInfo(e).message.split('\n')[0]}`));
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

/** Waits `ms` (the soak runs meanwhile), or less when the run is interrupted. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CutoverError('interrupted', 'interrupted');
}
