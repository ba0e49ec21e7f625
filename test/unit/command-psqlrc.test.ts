import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verbosePsqlrcEnv } from '../../scenarios/actions/command-psqlrc.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-psqlrc-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("a command step's psqlrc", () => {
  it("sets VERBOSITY verbose, then includes the user's ~/.psqlrc and gives each ~/.psqlrc-<version> a twin", async () => {
    const home = join(work, "o'home");
    const step = join(work, 'step1');
    await mkdir(home);
    await mkdir(step);
    await writeFile(join(home, '.psqlrc'), '\\set a 1\n');
    await writeFile(join(home, '.psqlrc-17'), '\\set b 2\n');
    expect(await verbosePsqlrcEnv(step, { HOME: home })).toEqual({ PSQLRC: join(step, 'psqlrc') });
    const base = readFileSync(join(step, 'psqlrc'), 'utf8').split('\n');
    expect(base.slice(1)).toEqual(['\\set VERBOSITY verbose', `\\i '${join(work, "o''home")}/.psqlrc'`, '']);
    expect(readFileSync(join(step, 'psqlrc-17'), 'utf8')).toContain(`\\i '${join(work, "o''home")}/.psqlrc-17'`);
  });

  it('without a ~/.psqlrc only sets VERBOSITY; with PSQLRC set, adds nothing and writes nothing', async () => {
    const step = join(work, 'step2');
    await mkdir(step);
    await verbosePsqlrcEnv(step, { HOME: join(work, 'nobody') });
    expect(readFileSync(join(step, 'psqlrc'), 'utf8')).not.toContain('\\i');
    const untouched = join(work, 'step3');
    await mkdir(untouched);
    expect(await verbosePsqlrcEnv(untouched, { HOME: work, PSQLRC: '/etc/team.psqlrc' })).toEqual({});
    expect(existsSync(join(untouched, 'psqlrc'))).toBe(false);
  });
});
