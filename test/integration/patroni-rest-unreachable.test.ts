import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { patroniSwitchoverAction } from '../../scenarios/actions/patroni-switchover.js';
import { freePort } from '../../scenarios/providers/free-port.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { provisionCluster } from '../../scenarios/topology/provision.js';
import { TestActionContext } from '../support/action-context.js';
import { patroniReady } from '../support/patroni.js';
import { waitFor } from '../support/lab.js';
import { runScenario } from '../support/run-scenario.js';

/**
 * A Patroni step whose REST API cannot be reached fails, and says which URL it tried and why:
 * a wrong port in the scenario, or every member's Patroni process killed.
 */

const pg15 = findLab()?.bindir(15);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-patroni-rest-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Patroni REST API unreachable', () => {
  it('a wrong port in the scenario: the step fails naming the URL and "connection refused", the run stops cleanly', async () => {
    const port = await freePort();
    const scenario = scenarioSchema.parse({
      name: 'patroni-wrong-port',
      blue: { provider: 'embedded', version: '17' },
      dataset: false,
      soak: { rate: 20 },
      // A second of soak first: a step that fails in milliseconds leaves nothing measured otherwise,
      // and a run that measured nothing reads as an error, not as the failed step's verdict.
      steps: [
        { action: 'wait', duration: '1s' },
        { action: 'patroni-switchover', api: `http://127.0.0.1:${port}` },
      ],
    });
    const lines: string[] = [];
    const { manifest } = await runScenario(scenario, { runsDir: join(work, 'runs'), log: (l) => void lines.push(l) });
    const step = manifest.steps[1]!;
    expect(step.status).toBe('failed');
    expect(step.error?.message).toBe(`Patroni REST API unreachable: GET http://127.0.0.1:${port}/cluster: connection refused (ECONNREFUSED)`);
    expect(lines.join('\n')).toContain(`step 2 (patroni-switchover) failed: Patroni REST API unreachable: GET http://127.0.0.1:${port}/cluster: connection refused`);
    expect(manifest.verdict).toBe('fail');
    // The soak still drained and was verified on blue: nothing lost by the failed step.
    expect(step).toMatchObject({ lost: 0, unexpected: 0 });
    for (const dir of Object.values(manifest.keptData ?? {})) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!pg15 || !patroniReady())('every member\'s Patroni killed (PostgreSQL left running): the step fails naming each member\'s URL and why (skipped without Patroni and the lab’s PostgreSQL 15)', { timeout: 120_000 }, async () => {
    const blue = await provisionCluster('blue', { provider: 'patroni', bindir: pg15!, nodes: 2 }, { database: 'app', log: () => {} });
    await using ctx = await TestActionContext.create({ scenario: { name: 'patroni-killed', blue: { provider: 'patroni', bindir: pg15!, nodes: 2 } }, blue });
    blue.joined?.(ctx.topology);
    const patroni = blue.patroni!;
    // What a crash of Patroni itself looks like: its processes gone, the REST API with them.
    for (const node of patroni.nodes) process.kill(node.pid!, 'SIGKILL');
    await waitFor(async () => patroni.nodes.every((n) => !n.isRunning), 'the Patroni processes to exit', 10_000);
    const urls = patroni.nodes.map((n) => n.rest.url);
    const outcome = await ctx.runStep(patroniSwitchoverAction, {});
    expect(outcome.status).toBe('failed');
    const error = outcome.thrown as CutoverError;
    expect(error).toBeInstanceOf(CutoverError);
    expect(error.code).toBe('connect');
    expect(error.shortMessage).toMatch(/^Patroni REST API unreachable: no member answered \(/);
    // Refused, or reset on a connection kept alive from before the kill.
    for (const url of urls) expect(error.shortMessage).toMatch(new RegExp(`GET ${url.replace(/[.]/g, '\\.')}/cluster: connection (refused \\(ECONNREFUSED\\)|reset \\(ECONNRESET\\))`));
    expect(error.shortMessage).toContain('(its Patroni has exited)');
  });
});
