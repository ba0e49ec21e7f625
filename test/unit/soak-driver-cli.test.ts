import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../support/run-cli.js';

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-driver-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

// k6 will not come (AGPL, DESIGN.md): `soak --help` offered `--driver k6`, which only answered
// that k6 was not available.
describe('cutover soak offers only the built-in driver', () => {
  it('does not offer k6 in --help', async () => {
    const r = await runCli(['soak', '--help'], { env, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    // commander wraps help to the terminal width: match across line breaks.
    expect(r.stdout).toMatch(/--driver <name>[^(]*\(choices:\s+"node",\s+default:\s+"node"\)/);
    expect(r.stdout).not.toMatch(/k6/);
  });

  it('refuses --driver k6 as a usage error naming the allowed value, before connecting (exit 2)', async () => {
    // No --db and no server: a usage error must come first.
    const r = await runCli(['soak', '--rate', '10', '--duration', '5s', '--driver', 'k6'], { env, cwd: work });
    expect(r.code, r.stderr).toBe(2);
    expect(r.errLines).toEqual([`cutover: option '--driver <name>' argument 'k6' is invalid. Allowed choices are node.`]);
  });
});
