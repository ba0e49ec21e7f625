import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createRunDirectory, runDirectoryName } from '../../run/run-directory.js';

/** DESIGN.md's pattern: `<yyyymmdd-hhmmss>-<name>`, the name one lower-case word run without a leading or trailing `-`. */
const PATTERN = /^\d{8}-\d{6}-[a-z0-9_](?:[a-z0-9._-]*[a-z0-9_])?(?:-\d+)?$/;
const AT = new Date('2026-12-05T17:30:48.123Z');

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-run-dir-name-'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('run directory names', () => {
  it('follow one pattern whatever the name a soak, a rehearsal or a scenario gives', () => {
    const names = ['soak', 'logical-15.18-to-17.10', 'Orders PG16 → 17', '→ upgrade ←', '../escape', 'a//b', '', 'ÉTÉ'];
    const dirs = names.map((n) => runDirectoryName(n, AT));
    expect(dirs).toEqual([
      '20261205-173048-soak',
      '20261205-173048-logical-15.18-to-17.10',
      '20261205-173048-orders-pg16-17',
      '20261205-173048-upgrade',
      '20261205-173048-escape',
      '20261205-173048-a-b',
      '20261205-173048-run',
      '20261205-173048-ete',
    ]);
    for (const d of dirs) expect(d).toMatch(PATTERN);
  });

  it('are never reused: a second run in the same second with the same name gets its own directory', async () => {
    const first = await createRunDirectory({ name: 'Soak', parent: work, now: AT });
    const second = await createRunDirectory({ name: 'soak', parent: work, now: AT });
    expect(basename(first)).toBe('20261205-173048-soak');
    expect(basename(second)).toBe('20261205-173048-soak-2');
    expect((await readdir(work)).sort()).toEqual(['20261205-173048-soak', '20261205-173048-soak-2']);
    for (const d of await readdir(work)) expect(d).toMatch(PATTERN);
  });

  it('keep a directory the user named (--run-dir) as given', async () => {
    const dir = await createRunDirectory({ name: 'soak', dir: join(work, 'My Run') });
    expect(basename(dir)).toBe('My Run');
    expect(existsSync(dir)).toBe(true);
  });
});
