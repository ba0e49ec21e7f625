import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStep } from '../../scenarios/actions/registry.js';
import { runStep, type RunServices } from '../../scenarios/runner/run-step.js';
import { validateScenario } from '../../scenarios/scenario-file.js';
import type { Cluster } from '../../scenarios/topology/cluster.js';
import { RunTopology } from '../../scenarios/topology/topology.js';

let runDir: string;
beforeAll(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'cutover-actions-'));
});
afterAll(async () => {
  if (runDir) await rm(runDir, { recursive: true, force: true });
});

/** A cluster that is never connected to: these actions do not touch a server. */
const fakeBlue = {
  role: 'blue',
  provider: 'external',
  database: 'app',
  version: '16.4',
  major: 16,
  endpoint: () => ({ host: '127.0.0.1', port: 54329, database: 'app', user: 'watcher', password: 'pw-not-logged', sslmode: 'disable' }),
} as unknown as Cluster;

function services(signal = new AbortController().signal): RunServices {
  const scenario = validateScenario({ name: 't', blue: { provider: 'external', url: 'postgresql://x@127.0.0.1/app' }, steps: [{ action: 'wait', duration: 0 }] });
  return {
    scenario,
    topology: new RunTopology(fakeBlue),
    runDir,
    log: () => {},
    signal,
    provision: () => Promise.reject(new Error('not in this test')),
    writerMoved: () => {},
    markResume: () => Promise.resolve(),
  };
}

const step = (index: number, spec: Record<string, unknown>) => parseStep({ action: String(spec.action), ...spec }, index);

describe('command and wait actions as steps', () => {
  it('command: keeps stdout and stderr in order in the step directory, with the exit code', async () => {
    const record = await runStep(step(0, { action: 'command', run: 'echo out; echo err >&2; echo "$GREETING from $CUTOVER_WRITER_ROLE"; echo "$PGUSER@$PGHOST:$PGPORT/$PGDATABASE"', env: { GREETING: 'hello' } }), services(), undefined);
    expect(record.status).toBe('ok');
    // The title is the command line, shortened for the step table.
    expect(record.name).toBe('echo out; echo err >&2; echo "$GREETING from $CUTOVER_WRI...');
    expect(record.details).toMatchObject({ exitCode: 0, log: 'steps/01-command/command.log' });
    expect(readFileSync(join(runDir, 'steps/01-command/command.log'), 'utf8')).toBe('out\nerr\nhello from blue\nwatcher@127.0.0.1:54329/app\n');
  });

  it('command: a timeout kills the whole process group and fails the step, saying so', async () => {
    const started = Date.now();
    const record = await runStep(step(1, { action: 'command', run: 'echo waiting; sleep 30 & wait', timeout: '300ms' }), services(), undefined);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(record.status).toBe('failed');
    expect(record.error?.message).toMatch(/^command timed out after 300 ms: waiting$/);
    expect(record.details).toMatchObject({ timedOut: true });
  });

  it('wait: ends early when the run is interrupted, and the step says so', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const record = await runStep(step(2, { action: 'wait', duration: '1h' }), services(controller.signal), undefined);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(record).toMatchObject({ name: 'wait 1 h', status: 'failed', error: { code: 'interrupted', message: 'interrupted' } });
  });
});
