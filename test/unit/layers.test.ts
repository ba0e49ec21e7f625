import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The script is plain JavaScript so that CI runs it before anything is built.
import { upwardImports } from '../../scripts/check-layers.mjs';

const repo = resolve(import.meta.dirname, '../..');

describe('the layering (core → checks, load → validate → run → scenarios → reports → cli)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function tree(files: Record<string, string>): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'cutover-layers-'));
    dirs.push(root);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  it('holds in this repository', () => {
    expect(upwardImports(repo)).toEqual([]);
  });

  it('names an upward import, a re-export and a dynamic import, and a sibling import', async () => {
    const root = await tree({
      'core/a.ts': "import { x } from '../cli/x.js';\n",
      'run/b.ts': "export { y } from '../scenarios/y.js';\n",
      'scenarios/c.ts': "const z = await import('../reports/z.js');\n",
      'checks/d.ts': "import type { W } from '../load/w.js';\n",
      'reports/ok.ts': "import { m } from '../run/m.js';\nimport { n } from './n.js';\n",
    });
    const problems = upwardImports(root);
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toContain('core/a.ts: imports ../cli/x.js (core may not import cli, a layer above it)');
    expect(problems.join('\n')).toContain('run/b.ts: imports ../scenarios/y.js');
    expect(problems.join('\n')).toContain('scenarios/c.ts: imports ../reports/z.js');
    expect(problems.join('\n')).toContain('checks and load share a layer');
  });
});
