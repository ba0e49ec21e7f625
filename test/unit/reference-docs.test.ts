import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, durationText, referenceDocs } from '../../scripts/gen-docs.js';
import { CATALOG } from '../../checks/catalog.js';
import { ACTIONS } from '../../scenarios/actions/index.js';

describe('the generated reference (docs/reference/) matches the definitions', () => {
  // CI runs this: a definition changed without `npm run docs` fails here, so the docs cannot go stale.
  for (const [path, generated] of referenceDocs()) {
    it(`${path} is what \`npm run docs\` generates`, () => {
      const committed = readFileSync(join(ROOT, path), 'utf8');
      expect(committed, `${path} is out of date: run npm run docs`).toBe(generated);
    });
  }

  it('documents every action parameter and every check', () => {
    const docs = referenceDocs();
    const actions = docs.get('docs/reference/actions.md') ?? '';
    for (const action of Object.values(ACTIONS)) expect(actions).toContain(`## ${action.name}\n`);
    // A parameter without a description leaves an empty last cell.
    expect(actions).not.toMatch(/\| {2}\|$/m);
    for (const check of CATALOG) {
      expect(check.doc, `${check.id}: no doc`).toBeDefined();
      // The doc says what each rule does exactly when the check has that rule.
      expect(Boolean(check.doc?.evaluates), `${check.id}: doc.evaluates`).toBe(check.evaluate !== undefined);
      expect(Boolean(check.doc?.compares), `${check.id}: doc.compares`).toBe(check.compare !== undefined);
      expect(Object.keys(check.doc?.findings ?? {}).length, `${check.id}: doc.findings`).toBeGreaterThan(0);
    }
  });

  it('states the defaults the CLI really has, and offers no k6 driver', () => {
    const cli = referenceDocs().get('docs/reference/cli.md') ?? '';
    expect(cli).toMatch(/\| `--duration <d>` \| `1m` \| Soak time outside the upgrade step/);
    expect(cli).not.toMatch(/k6/);
  });

  it('writes durations as a scenario file does', () => {
    expect([600_000, 300_000, 2 * 3_600_000, 90_000, 250, 1_500].map(durationText)).toEqual(['10m', '5m', '2h', '1m30s', '250ms', '1s500ms']);
  });
});
