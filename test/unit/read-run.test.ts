import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { newRunManifest } from '../../run/new-manifest.js';
import { readRunManifest } from '../../run/read-run.js';
import { RUN_FILE } from '../../run/run-files.js';

describe('readRunManifest: the one reader of run.json', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  async function runDir(content?: unknown): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-read-run-'));
    dirs.push(dir);
    if (content !== undefined) await writeFile(join(dir, RUN_FILE), typeof content === 'string' ? content : JSON.stringify(content));
    return dir;
  }
  async function refusal(dir: string): Promise<CutoverError> {
    const error = await readRunManifest(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('input');
    return error as CutoverError;
  }

  it('reads what newRunManifest builds', async () => {
    const manifest = newRunManifest({ name: 'soak', method: 'soak', started: Date.parse('2026-12-05T10:00:00Z'), config: { rate: 10 } });
    const read = await readRunManifest(await runDir(manifest));
    expect(read).toEqual(manifest);
    expect(read).toMatchObject({ kind: 'cutover.run', schemaVersion: 1, verdict: 'running', steps: [], files: {}, endpoints: {} });
  });

  it('refuses a schema version it does not read, naming both', async () => {
    const manifest = { ...newRunManifest({ name: 'x', method: 'soak', started: 0, config: {} }), schemaVersion: 2 };
    const error = await refusal(await runDir(manifest));
    expect(error.message).toMatch(/run\.json: run schema version 2 is not supported \(expected 1\)/);
  });

  it('refuses another kind of JSON, and says when run.json is missing', async () => {
    expect((await refusal(await runDir({ kind: 'cutover.snapshot' }))).message).toMatch(/not a cutover run manifest/);
    expect((await refusal(await runDir())).message).toMatch(/no run\.json in this directory/);
  });

  it('reads an older run directory whose errors are strings as error records', async () => {
    const manifest = newRunManifest({ name: 'x', method: 'scenario', started: 0, config: {} });
    const old = { ...manifest, error: 'boom', steps: [{ name: 's', action: 'command', status: 'failed', error: 'exited with 3' }] };
    const read = await readRunManifest(await runDir(old));
    expect(read.error).toEqual({ message: 'boom' });
    expect(read.steps[0]?.error).toEqual({ message: 'exited with 3' });
  });
});
