import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../core/config.js';
import { CutoverError } from '../../core/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutover-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const INDEX = new URL('../../index.ts', import.meta.url).pathname;

describe('configuration files', () => {
  it('loads cutover.config.ts written with defineConfig(), with defaults filled in', async () => {
    const file = join(dir, 'cutover.config.ts');
    await writeFile(
      file,
      `import { defineConfig } from ${JSON.stringify(INDEX)};
export default defineConfig({ upgrade: { targetMajor: 17 }, gate: { allow: ['server/*'] } });\n`,
    );
    const config = await loadConfigFile(file);
    expect(config.upgrade.targetMajor).toBe(17);
    expect(config.gate).toEqual({ failOn: ['fail'], allow: ['server/*'], minSuccessRatio: 0.99 });
    expect(config.checks.exactCounts.concurrency).toBe(4);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('loads the same configuration from YAML and JSON', async () => {
    await writeFile(join(dir, 'c.yaml'), 'upgrade:\n  targetMajor: 17\n');
    await writeFile(join(dir, 'c.json'), '{"upgrade": {"targetMajor": 17}}');
    expect((await loadConfigFile(join(dir, 'c.yaml'))).upgrade.targetMajor).toBe(17);
    expect((await loadConfigFile(join(dir, 'c.json'))).upgrade.targetMajor).toBe(17);
  });

  it('names the option, what was expected and what was given', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'checks:\n  exactCounts:\n    concurrency: lots\n');
    const error = await loadConfigFile(join(dir, 'bad.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('config');
    expect((error as CutoverError).shortMessage).toMatch(/checks\.exactCounts\.concurrency.*expected number.*got "lots"/);
  });

  it('refuses unknown options and unknown file types', async () => {
    await writeFile(join(dir, 'unknown.json'), '{"gate": {"failon": ["warn"]}}');
    await expect(loadConfigFile(join(dir, 'unknown.json'))).rejects.toThrow(/failon/);
    await writeFile(join(dir, 'c.toml'), '');
    await expect(loadConfigFile(join(dir, 'c.toml'))).rejects.toThrow(/expected a \.ts, \.js, \.mjs, \.yaml, \.yml or \.json file/);
  });
});
