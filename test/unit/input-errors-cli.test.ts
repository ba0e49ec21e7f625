import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../support/run-cli.js';

// Mistakes a user makes in a scenario or a configuration, as the CLI reports them: before any
// server starts (exit 2, no run directory), every problem at once, each one a user can act on.
let work: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-input-errors-'));
  env = cleanEnv(work);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Writes a file under a fresh directory of the test and returns the directory and the file. */
async function fixture(name: string, file: string, content: unknown): Promise<{ dir: string; path: string }> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return { dir, path };
}

const blue164 = { provider: 'embedded', version: '16.4' };

describe('a scenario that cannot succeed is refused before anything starts', () => {
  it('minor-restart to another major than blue: exit 2, no run directory', async () => {
    const { dir, path } = await fixture('minor-major', 'm.scenario.json', { name: 'm', blue: blue164, dataset: false, soak: false, steps: [{ action: 'minor-restart', to: '17' }] });
    const runs = join(dir, 'runs');
    const r = await runCli(['run', path, '--runs-dir', runs], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines[0]).toBe(`cutover: ${path}: step 1 (minor-restart): field "to": expected a version of blue's major (PostgreSQL 16), got "17" (PostgreSQL 17); a major upgrade is pg-upgrade, dump-restore or logical-bluegreen`);
    expect(existsSync(runs)).toBe(false);
  });

  it('upgrades without a usable green, or to an older major, each reported at once', async () => {
    const { dir, path } = await fixture('upgrades', 'u.scenario.json', {
      name: 'u',
      blue: blue164,
      green: { provider: 'embedded', version: '15' },
      steps: [{ action: 'pg-upgrade' }, { action: 'dump-restore' }, { action: 'logical-bluegreen' }],
    });
    const r = await runCli(['run', path, '--runs-dir', join(dir, 'runs')], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines).toEqual([
      `cutover: ${path}: step 1 (pg-upgrade): scenario field "green": expected a bindir provider, got "embedded"`,
      // After an upgrade step the writer is green: the next one is judged from there (15 -> 15).
      `cutover: ${path}: step 2 (dump-restore): green must be a newer major than green (PostgreSQL 15), got PostgreSQL 15`,
      `cutover: ${path}: step 3 (logical-bluegreen): green must be a newer major than green (PostgreSQL 15), got PostgreSQL 15`,
    ]);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('dump-restore to an older major than blue', async () => {
    const { dir, path } = await fixture('older', 'o.scenario.json', { name: 'o', blue: blue164, green: { provider: 'embedded', version: '15' }, steps: [{ action: 'dump-restore' }] });
    const r = await runCli(['run', path], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines).toEqual([`cutover: ${path}: step 1 (dump-restore): green must be a newer major than blue (PostgreSQL 16), got PostgreSQL 15`]);
  });

  it('logical-bluegreen needs a green, and a blue cutover provisions', async () => {
    const { dir, path } = await fixture('logical', 'l.scenario.json', { name: 'l', blue: { provider: 'external', url: 'postgresql://u@127.0.0.1:1/app' }, steps: [{ action: 'logical-bluegreen' }] });
    const r = await runCli(['run', path], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines).toEqual([
      `cutover: ${path}: step 1 (logical-bluegreen): role "blue" is an external server; expected one cutover provisions (embedded, bindir or container) — upgrade external servers with a command step`,
      `cutover: ${path}: step 1 (logical-bluegreen): the scenario needs "green": expected an embedded, bindir or container provider (the new version), got none`,
    ]);
  });
});

describe('errors a user can act on', () => {
  it('a scenario: every problem at once, steps counted from 1, what was given said once', async () => {
    const { dir, path } = await fixture('scenario-all', 's.scenario.json', {
      name: 'bad name!',
      blue: blue164,
      steps: [{ action: 'wait', duration: 'soon' }, { action: 'command' }, { name: 'no action' }],
    });
    const r = await runCli(['run', path], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines).toHaveLength(4);
    expect(r.errLines[0]).toMatch(/field "name": letters, digits, dot, dash and underscore, got "bad name!"$/);
    expect(r.errLines).toContainEqual(expect.stringMatching(/step 3: field "action": .*expected string/));
    expect(r.errLines).toContainEqual(expect.stringMatching(/step 1 \(wait\): field "duration": .*got "soon"$/));
    expect(r.errLines).toContainEqual(expect.stringMatching(/step 2 \(command\): field "run": /));
    expect(r.stderr.match(/got "soon"/g)).toHaveLength(1);
  });

  it('a configuration found in the working directory: named by its path, enum values listed, items counted from 1, all problems', async () => {
    const yaml = ['custom:', '  - id: ok', '    sql: select 1', '    expect: empty', '  - id: typo', '    sql: select 1', '    expect: emtpy', 'gate:', '  maxDowntime: soon', 'checks:', '  bluegreen: maybe', ''].join('\n');
    const { dir, path } = await fixture('config-found', 'cutover.config.yaml', yaml);
    const scenario = join(dir, 'x.scenario.json');
    await writeFile(scenario, JSON.stringify({ name: 'x', blue: { provider: 'external', url: 'postgresql://u@127.0.0.1:1/app' }, steps: [{ action: 'wait', duration: '1s' }] }));
    const r = await runCli(['run', scenario, '--runs-dir', join(dir, 'runs')], { env, cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/--config/);
    expect(r.errLines).toEqual([
      `cutover: ${path}: option "checks.bluegreen": Invalid option: expected one of "auto"|"on"|"off", got "maybe"`,
      `cutover: ${path}: option "custom[2].expect": expected one of "empty", "nonEmpty", an object, got "emtpy"`,
      `cutover: ${path}: option "gate.maxDowntime": expected milliseconds or a duration such as 500ms, 5s, 1m, got "soon"`,
    ]);
  });

  it('a directory without run.json says that run.json is missing', async () => {
    const dir = join(work, 'not-a-run');
    await mkdir(dir, { recursive: true });
    const r = await runCli(['report', dir], { env, cwd: work });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines[0]).toBe(`cutover: ${dir}: no run.json in this directory: expected a run directory (runs/<time>-<name>)`);
  });
});
