import { describe, expect, it } from 'vitest';
import { stepTableMarkdown } from '../../reports/step-table.js';
import type { RunManifest, StepRecord } from '../../run/manifest.js';

/** The step table of a chained upgrade names what each row did: the hop's versions, the extension versions, the checks' counts. */

const row = (name: string, action: string, details: Record<string, unknown>): StepRecord => ({
  name,
  action,
  status: 'ok',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:01.000Z',
  durationMs: 1000,
  downtimeMs: 0,
  failedAttempts: 0,
  lost: 0,
  unexpected: 0,
  duplicated: 0,
  details,
});

const run = (steps: StepRecord[]) => ({ steps, files: {} }) as unknown as RunManifest;

describe('step table of a chained upgrade', () => {
  it('names the hop versions, the extension versions before and after, and the checks between hops', () => {
    const table = stepTableMarkdown(
      run([
        row('pg_upgrade to 16', 'pg-upgrade', { role: 'pg16', from: '15.20', to: '16.14' }),
        row('pgvector on 16', 'extension-update', {
          extensions: [
            { database: 'app', extension: 'vector', before: '0.7.4', after: '0.8.0', outcome: 'updated' },
            { database: 'other', extension: 'vector', before: '0.8.0', after: '0.8.0', outcome: 'already-current' },
          ],
        }),
        row('checks on 16', 'check', { server: '16.14', checks: { ok: 10, skipped: 2, error: 0 }, diff: { against: 'pre.snapshot.json', fail: 0, warn: 1, info: 12 } }),
        row('nothing pending', 'extension-update', { extensions: [] }),
        row('pg_upgrade', 'pg-upgrade', { role: 'green', from: '15.20', to: '17.11' }),
      ]),
    );
    const cells = table.split('\n').slice(2, 7).map((line) => line.split(' | ').at(-1)?.replace(/ \|$/, ''));
    expect(cells).toEqual([
      'PostgreSQL 15.20 → 16.14 (now pg16)',
      'app: vector 0.7.4 → 0.8.0; other: vector 0.8.0 (already current)',
      'checks on 16.14: 10 ok, 2 skipped, 0 error; since pre.snapshot.json: 0 fail, 1 warn',
      'no extension had an update',
      'PostgreSQL 15.20 → 17.11',
    ]);
  });

  it('counts the databases past the first four rather than listing them all', () => {
    const extensions = ['a', 'b', 'c', 'd', 'e', 'f'].map((database) => ({ database, extension: 'vector', before: '0.8.0', after: '0.8.0', outcome: 'already-current' }));
    expect(stepTableMarkdown(run([row('pgvector', 'extension-update', { extensions })]))).toContain('d: vector 0.8.0 (already current); 2 more in run.json');
  });
});
