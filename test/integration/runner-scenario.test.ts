import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onlyRunDir, readRun } from '../support/run-dirs.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { acceptsConnections } from '../support/net.js';

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-runner-test-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('cutover run SCENARIO_FILE (embedded 16.4 -> 16 minor, soak on through the endpoint switch)', () => {
  it('runs wait, minor-restart, wait with the soak through them and fills the step table', async () => {
    const file = join(work, 'minor.scenario.yaml');
    await writeFile(
      file,
      `name: minor-yaml
blue: { provider: embedded, version: '16.4' }
# A green makes the runner put the endpoint switch in front of blue: the load goes through it.
green: { provider: embedded, version: '16' }
dataset: { name: notifications, scale: 0.1 }
soak: { rate: 50 }
steps:
  - { action: wait, duration: 1s }
  - { action: minor-restart, to: '16' }
  - { action: wait, duration: 1s, name: soak after }
`,
    );
    const runsDir = join(work, 'runs-minor');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const runDir = onlyRunDir(runsDir);
    expect(runDir).toMatch(/-minor-yaml$/);
    const run = readRun(runDir);
    expect(['pass', 'warn']).toContain(run.verdict);
    expect(run.method).toBe('scenario');
    expect(run.config.commandLine).toEqual(['cutover', 'run', file, '--runs-dir', runsDir]);
    expect(run.steps.map((s) => [s.action, s.name, s.status])).toEqual([
      ['wait', 'wait 1 s', 'ok'],
      ['minor-restart', 'minor restart 16.4 -> 16.14', 'ok'],
      ['wait', 'soak after', 'ok'],
    ]);
    // Every step has measured figures (numbers, not nulls): the soak ran through all of them.
    for (const step of run.steps) {
      for (const field of ['downtimeMs', 'failedAttempts', 'lost', 'unexpected', 'duplicated'] as const) {
        expect(typeof step[field], `${step.name}.${field}`).toBe('number');
      }
      expect(step).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    }
    const restart = run.steps[1]!;
    expect(restart.downtimeMs, JSON.stringify({ restart, soak: run.soak?.summary })).toBeGreaterThan(0);
    expect(restart.phases?.map((p) => p.name)).toEqual(['stop', 'start']);
    expect(restart.details).toMatchObject({ from: '16.4', to: '16.14' });
    expect(run.endpoints.blue?.version).toBe('16.14');
    expect(run.endpoints.writer?.version).toBe('16.14');
    expect(run.endpoints.switch?.port, JSON.stringify(run.endpoints)).toBeGreaterThan(0);
    expect(run.endpoints.switch?.port).not.toBe(run.endpoints.blue?.port);
    expect(result.stderr).toMatch(/endpoint switch \(hard cut\)/);
    expect(run.soak?.summary?.attempts).toBeGreaterThan(20);
    for (const f of ['pre.snapshot.json', 'post.snapshot.json', 'report.html']) expect(existsSync(join(runDir, f)), f).toBe(true);
    expect(result.stdout).toMatch(/minor restart 16\.4 -> 16\.14: ok, \d+ ms, downtime \d+ ms, failed attempts \d+, lost 0, unexpected 0, duplicated 0/);
    // Success: nothing kept, the server gone.
    expect(run.keptData).toBeUndefined();
    expect(await acceptsConnections(run.endpoints.blue!.port)).toBe(false);
  });

  it('stops cleanly at a command step that exits non-zero: rest skipped, soak drained, post-checks run, blue kept', async () => {
    const file = join(work, 'failing.scenario.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'failing-command',
        blue: { provider: 'embedded', version: '16' },
        dataset: { name: 'notifications', scale: 0.1 },
        soak: { rate: 40 },
        steps: [
          { action: 'wait', duration: '1s' },
          { action: 'command', name: 'switch over', run: 'echo starting; echo "no such deployment" >&2; exit 3', timeout: '30s', env: { API_TOKEN: 'hunter2-secret' } },
          { action: 'wait', duration: '5s' },
          { action: 'minor-restart', to: '16' },
        ],
      }),
    );
    const runsDir = join(work, 'runs-failing');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(1);
    const runDir = onlyRunDir(runsDir);
    const run = readRun(runDir);
    expect(run.verdict).toBe('fail');
    expect(run.error).toBeUndefined();
    expect(run.steps.map((s) => s.status)).toEqual(['ok', 'failed', 'skipped', 'skipped']);
    const failed = run.steps[1]!;
    expect(failed.name).toBe('switch over');
    expect(failed.error?.message).toMatch(/exited with 3.*no such deployment/);
    expect(failed.details).toMatchObject({ exitCode: 3, log: 'steps/02-command/command.log' });
    expect(readFileSync(join(runDir, 'steps/02-command/command.log'), 'utf8')).toBe('starting\nno such deployment\n');
    expect(run.steps[2]!.error?.message).toMatch(/step 2 \(command\) failed/);
    expect(run.steps[2]!.lost).toBeNull();
    // The soak drained and its ledger was verified; the post-checks ran on the writer.
    expect(run.soak?.summary).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    expect(Date.parse(run.soak!.endedAt!)).toBeLessThan(Date.parse(run.steps[1]!.endedAt) + 5_000);
    expect(existsSync(join(runDir, 'post.snapshot.json'))).toBe(true);
    // The report names the failed step and why; the terminal too.
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toMatch(/switch over[\s\S]*exited with 3/);
    expect(result.stdout).toMatch(/switch over: failed.*exited with 3/);
    // Blue's data directory is kept (server stopped), and said where.
    const kept = run.keptData?.blue;
    expect(kept).toBeDefined();
    expect(existsSync(join(kept!, 'PG_VERSION'))).toBe(true);
    expect(result.stdout).toContain(`kept blue's data directory: ${kept}`);
    expect(await acceptsConnections(run.endpoints.blue!.port)).toBe(false);
    // The command's environment values never reach the run directory.
    expect(readFileSync(join(runDir, 'run.json'), 'utf8')).not.toContain('hunter2-secret');
    await rm(dirname(kept!), { recursive: true, force: true });
  });
});
