import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { onlyRunDir, readRun } from '../support/run-dirs.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { waitFor } from '../support/lab.js';

let work: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-command-step-'));
  env = cleanEnv(work);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** A scenario of one command step on an embedded blue, without dataset or soak (the step is what is tested). */
async function scenario(name: string, step: Record<string, unknown>): Promise<string> {
  const file = join(work, `${name}.scenario.json`);
  await writeFile(file, JSON.stringify({ name, blue: { provider: 'embedded', version: '16' }, dataset: false, soak: false, steps: [{ action: 'command', ...step }] }));
  return file;
}

/** Whether a process of that pid is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a command step ends when its shell ends', () => {
  it('a background child holding the output does not make the step time out; it is named and stopped with the run', async () => {
    const marker = join(work, 'stray.pid');
    const file = await scenario('background', { run: `sleep 30 & echo $! > ${marker}; echo started`, timeout: '5s' });
    const runsDir = join(work, 'runs-background');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const runDir = onlyRunDir(runsDir);
    const step = readRun(runDir).steps[0]!;
    expect(step.status, step.error?.message).toBe('ok');
    expect(step.durationMs).toBeLessThan(5_000);
    expect(step.details).toMatchObject({ exitCode: 0, strays: [expect.stringMatching(/^\d+ sleep 30$/)] });
    expect(readFileSync(join(runDir, 'steps/01-command/command.log'), 'utf8')).toBe('started\n');
    // The stray was stopped when the run ended, not left behind.
    expect(alive(Number(readFileSync(marker, 'utf8')))).toBe(false);
  });

  it('Ctrl-C during a long command leaves a complete run directory and the log written so far', async () => {
    const file = await scenario('interrupted', { run: 'echo begun; sleep 120; echo never', timeout: '10m' });
    const runsDir = join(work, 'runs-interrupted');
    let child: ChildProcess | undefined;
    const running = runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work, onSpawn: (c) => (child = c) });
    // The log is written as the output arrives: "begun" is there while the command still runs.
    const log = await waitFor(async () => {
      if (!existsSync(runsDir)) return undefined;
      const path = join(onlyRunDir(runsDir), 'steps/01-command/command.log');
      return existsSync(path) && readFileSync(path, 'utf8') === 'begun\n' ? path : undefined;
    }, 'command.log with the output so far', 60_000);
    child?.kill('SIGINT');
    const result = await running;
    expect(result.code, result.stderr).toBe(130);
    const runDir = onlyRunDir(runsDir);
    const run = readRun(runDir);
    expect(run.verdict).not.toBe('running');
    expect(run.endedAt).not.toBeNull();
    expect(run.steps[0]?.action).toBe('command');
    expect(run.steps[0]?.status).not.toBe('ok');
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    expect(existsSync(join(runDir, 'summary.md'))).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe('begun\n');
  });
});
