import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { onlyRunDir, readRun } from '../support/run-dirs.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { labBindir, labReady, waitFor } from '../support/lab.js';

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

describe("a command step's error record", () => {
  it('names the command, its exit and output tail; a PostgreSQL error the output ends with gives its SQLSTATE and hint, one a script went past does not', async () => {
    const ends = await scenario('ends-with-error', { run: `echo migrating; printf 'ERROR:  42P01: relation "jobs" does not exist\\nHINT:  create it first\\n'; exit 3`, timeout: '30s' });
    const endsDir = join(work, 'runs-ends-with-error');
    expect((await runCli(['run', ends, '--runs-dir', endsDir], { env, cwd: work })).code).toBe(1);
    const endsRun = onlyRunDir(endsDir);
    await removeKeptData(endsRun);
    expect(readRun(endsRun).steps[0]?.error).toEqual({
      code: 'query',
      message: 'command exited with 3: ERROR: relation "jobs" does not exist',
      full: 'command exited with 3: ERROR: relation "jobs" does not exist\n--- output (steps/01-command/command.log) ---\nmigrating\nERROR:  42P01: relation "jobs" does not exist\nHINT:  create it first',
      sqlState: '42P01',
      hint: 'create it first',
      tool: { command: expect.stringMatching(/^echo migrating; /), exitCode: 3, stderrTail: 'migrating\nERROR:  42P01: relation "jobs" does not exist\nHINT:  create it first' },
    });

    const past = await scenario('went-past', { run: `printf 'ERROR:  42P01: relation "jobs" does not exist\\n'; seq 1 25; exit 2`, timeout: '30s' });
    const pastDir = join(work, 'runs-went-past');
    expect((await runCli(['run', past, '--runs-dir', pastDir], { env, cwd: work })).code).toBe(1);
    const pastRun = onlyRunDir(pastDir);
    await removeKeptData(pastRun);
    const error = readRun(pastRun).steps[0]?.error;
    expect(error).toMatchObject({ message: 'command exited with 2: 23 | 24 | 25', tool: { exitCode: 2 } });
    expect(error?.sqlState).toBeUndefined();
  });
});

const lab = labReady(17);

/** A failed step keeps blue's data directory for a post-mortem; the test has no use for it. */
async function removeKeptData(runDir: string): Promise<void> {
  for (const dir of Object.values(readRun(runDir).keptData ?? {})) await rm(join(dir, '..'), { recursive: true, force: true });
}

/** The folded record of the report's failed step: the `<details>` of its error. */
function foldedError(html: string): string {
  return html.match(/<details class="error-record">[\s\S]*?<\/details>/)?.[0] ?? '';
}

describe.skipIf(!lab)(`a command step running psql keeps the server's error whole${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  // A statement that fails with a SQLSTATE, a detail and a hint; `\$` keeps the shell off `$$`.
  const failing = `-c "DO \\$\\$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'the divisor was zero', HINT = 'check the input', ERRCODE = '22012'; END \\$\\$"`;

  it("a failing statement's SQLSTATE, detail and hint reach run.json, the report, summary.md and the terminal; the user's ~/.psqlrc still applies", async () => {
    await writeFile(join(work, '.psqlrc'), "\\set cutover_mark 'from-home'\n");
    const run = `"${labBindir(17)}/psql" -v ON_ERROR_STOP=1 -c '\\echo :cutover_mark' ${failing}`;
    const file = await scenario('psql-error', { run, timeout: '30s' });
    const runsDir = join(work, 'runs-psql-error');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    await rm(join(work, '.psqlrc'));
    expect(result.code, result.stderr).toBe(1);
    const runDir = onlyRunDir(runsDir);
    await removeKeptData(runDir);
    const step = readRun(runDir).steps[0]!;
    expect(step.status).toBe('failed');
    expect(step.error).toMatchObject({
      code: 'query',
      message: 'command exited with 1: ERROR: boom',
      sqlState: '22012',
      detail: 'the divisor was zero',
      hint: 'check the input',
      tool: { command: run, exitCode: 1, stderrTail: expect.stringContaining('ERROR:  22012: boom') },
    });
    // The user's own psqlrc was read as well (cutover's only adds VERBOSITY verbose).
    expect(readFileSync(join(runDir, 'steps/01-command/command.log'), 'utf8')).toMatch(/^from-home\n/);

    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<span class="error-message">command exited with 1: ERROR: boom</span>');
    const folded = foldedError(html);
    expect(folded).toContain('<code>22012</code>');
    expect(folded).toContain('the divisor was zero');
    expect(folded).toContain('check the input');
    expect(folded).toContain('exit 1');
    expect(folded).toContain('ERROR:  22012: boom\nDETAIL:  the divisor was zero\nHINT:  check the input');
    expect(folded).toContain('ON_ERROR_STOP=1 -c &#39;\\echo :cutover_mark&#39;');
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    expect(summary).toContain('SQLSTATE 22012');
    expect(summary).toContain('DETAIL: the divisor was zero');
    expect(summary).toContain('HINT: check the input');
    expect(result.stdout).toMatch(/: failed, .*\(command exited with 1: ERROR: boom \[SQLSTATE 22012; HINT: check the input\]\)/);
  });

  it('a PSQLRC the user set is left alone: no SQLSTATE unless their psqlrc asks for it, detail and hint all the same', async () => {
    const own = join(work, 'own.psqlrc');
    await writeFile(own, "\\set cutover_mark 'from-env'\n");
    const run = `"${labBindir(17)}/psql" -v ON_ERROR_STOP=1 -c '\\echo :cutover_mark' ${failing}`;
    const file = await scenario('own-psqlrc', { run, timeout: '30s', env: { PSQLRC: own } });
    const runsDir = join(work, 'runs-own-psqlrc');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(1);
    const runDir = onlyRunDir(runsDir);
    await removeKeptData(runDir);
    const step = readRun(runDir).steps[0]!;
    expect(step.error).toMatchObject({ message: 'command exited with 1: ERROR: boom', detail: 'the divisor was zero', hint: 'check the input', tool: { exitCode: 1 } });
    expect(step.error?.sqlState).toBeUndefined();
    expect(readFileSync(join(runDir, 'steps/01-command/command.log'), 'utf8')).toMatch(/^from-env\n/);
    expect(existsSync(join(runDir, 'steps/01-command/psqlrc'))).toBe(false);
  });
});
