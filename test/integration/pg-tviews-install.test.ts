import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { embeddedBindir } from '../../scenarios/providers/embedded-binaries.js';
import { installationWithExtensions } from '../../scenarios/providers/extension-install.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { labBindir, labReady, pgTviewsDir, pgTviewsMissing } from '../support/lab.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { writeFile } from 'node:fs/promises';

/**
 * The `extensions` option (provider and minor-restart): a build goes into a copy of the
 * installation, never into the npm package itself; a directory that is not a build, or a build for
 * another major, is refused before anything is copied, naming the option, what was expected and
 * what was given.
 */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-pg-tviews-install-'));
  await chmod(work, 0o755); // the server's user runs a copy from here
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('extensions: [{ from }] into a copy of an installation', () => {
  it('refuses a directory that does not exist, or holds neither a library nor a control file', async () => {
    await expect(installationWithExtensions(embeddedBindir('16.4'), [{ from: join(work, 'nope'), preload: false }], join(work, 'a'), 'blue: field "extensions"')).rejects.toThrow(
      /^blue: field "extensions"\[0\]\.from: expected a directory with lib\/ and extension\/, got ".*nope" \(not a directory\)$/,
    );
    await mkdir(join(work, 'empty', 'lib'), { recursive: true });
    await expect(installationWithExtensions(embeddedBindir('16.4'), [{ from: join(work, 'empty'), preload: true }], join(work, 'b'), 'extensions')).rejects.toThrow(
      /extensions\[0\]\.from: expected lib\/\*\.so and extension\/\*\.control in ".*empty", found neither/,
    );
    expect(existsSync(join(work, 'a'))).toBe(false);
  });

  const missing = pgTviewsMissing(16);
  it.skipIf(missing)(`refuses a build for another major; copies, installs and leaves the npm package alone${missing ? ` (skipped: ${missing})` : ''}`, async () => {
    const build = pgTviewsDir(16)!;
    await expect(installationWithExtensions(embeddedBindir('17'), [{ from: build, preload: true }], join(work, 'c'), 'minor-restart: field "extensions"')).rejects.toThrow(
      /minor-restart: field "extensions"\[0\]\.from: expected a build for PostgreSQL 17, got ".*" built against PostgreSQL 16\.\d+/,
    );
    const copy = await installationWithExtensions(embeddedBindir('16.4'), [{ from: build, preload: true }], join(work, 'd'), 'extensions');
    expect(copy).toMatchObject({ preload: ['pg_tviews'], extensions: ['pg_tviews'] });
    expect(copy.bindir.startsWith(join(work, 'd'))).toBe(true);
    expect(existsSync(join(copy.pkglibdir, 'pg_tviews.so'))).toBe(true);
    expect(existsSync(join(copy.sharedir, 'extension', 'pg_tviews--0.1.0-beta.20--0.1.0-beta.21.sql'))).toBe(true);
    const original = dirname(embeddedBindir('16.4'));
    expect(existsSync(join(original, 'lib', 'postgresql', 'pg_tviews.so'))).toBe(false);
    expect(existsSync(join(original, 'share', 'postgresql', 'extension', 'pg_tviews.control'))).toBe(false);
  });

  const noLab = missing ?? (labReady(16) ? undefined : 'the upgrade lab has no PostgreSQL 16: run scripts/lab.sh');
  it.skipIf(noLab)(`copies an installation described by its pg_config (the lab's 16) and the copy runs the extension${noLab ? ` (skipped: ${noLab})` : ''}`, { timeout: 30_000 }, async () => {
    const copy = await installationWithExtensions(labBindir(16), [{ from: pgTviewsDir(16)!, preload: true }], join(work, 'lab16'), 'extensions');
    expect(copy.bindir.startsWith(join(work, 'lab16'))).toBe(true);
    await using server = await LocalServer.start({ bindir: copy.bindir, name: 'lab16-copy', settings: { shared_preload_libraries: 'pg_tviews' } });
    await using db = await server.admin('postgres');
    await db.query('CREATE EXTENSION pg_tviews');
    const [row] = await db.query<{ v: string }>(`SELECT tviews.pg_tviews_version() AS v`);
    expect(row?.v).toBe('0.1.0-beta.34');
  });

  it.skipIf(pgTviewsMissing(17))(`cutover run refuses a scenario whose extensions are not builds for the role's major before anything starts (exit 2)${pgTviewsMissing(17) ? ` (skipped: ${pgTviewsMissing(17)})` : ''}`, async () => {
    const file = join(work, 'bad.scenario.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'bad-extensions',
        blue: { provider: 'embedded', version: '16.4', extensions: [{ from: join(work, 'nope') }] },
        dataset: false,
        soak: false,
        steps: [{ action: 'minor-restart', to: '16.14', extensions: [{ from: pgTviewsDir(17), preload: true }] }],
      }),
    );
    const r = await runCli(['run', file, '--runs-dir', join(work, 'runs')], { env: cleanEnv(work) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/field "blue\.extensions"\[0\]\.from: expected a directory with lib\/ and extension\/, got ".*nope" \(not a directory\)/);
    expect(r.stderr).toMatch(/step 1 \(minor-restart\): field "extensions"\[0\]\.from: expected a build for PostgreSQL 16, got ".*" built against PostgreSQL 17\.\d+/);
    expect(r.stderr + r.stdout).not.toMatch(/provision blue/);
    expect(existsSync(join(work, 'runs'))).toBe(false);
  });
});
