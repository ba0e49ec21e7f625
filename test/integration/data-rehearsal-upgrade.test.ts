import { sidePlace } from '../../validate/result.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.js';
import { readSnapshot } from '../../checks/snapshot.js';
import type { RunManifest } from '../../run/manifest.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema, type ScenarioInput } from '../../scenarios/scenario-types.js';
import type { StoredDigests } from '../../validate/stored-digests.js';
import { runScenario } from '../support/run-scenario.js';

/**
 * Data validation around the upgrades that keep or lose blue: dump/restore and pg_upgrade --copy
 * compare blue with green once the step is done; pg_upgrade --link leaves no blue, so digests
 * stored by the pre-checks are recomputed after it, and a row changed by hand between the two is
 * found in its bucket. Lab PostgreSQL 15 -> 17.
 */

const lab = findLab();
const pg15 = lab?.bindir(15);
const pg17 = lab?.bindir(17);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-data-upgrade-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function run(name: string, extra: Partial<ScenarioInput> & Pick<ScenarioInput, 'steps'>): Promise<{ manifest: RunManifest; runDir: string; lines: string[] }> {
  const scenario = scenarioSchema.parse({
    name,
    blue: { provider: 'bindir', bindir: pg15 },
    green: { provider: 'bindir', bindir: pg17 },
    dataset: { name: 'notifications', scale: 0.1 },
    soak: { rate: 50 },
    ...extra,
  });
  const lines: string[] = [];
  const result = await runScenario(scenario, { runsDir: join(work, name), log: (l) => void lines.push(l), method: name, config: resolveConfig({ upgrade: { targetMajor: 17 } }) });
  return { ...result, lines };
}

function phaseMs(m: RunManifest, step: number, name: string): number | undefined {
  return m.steps[step - 1]?.phases?.find((p) => p.name === name)?.durationMs;
}

describe.skipIf(!pg15 || !pg17)('data validation in upgrade rehearsals (skipped without the lab’s PostgreSQL 15 and 17)', () => {
  it('dump-restore: blue against green after the step, every table equal; the run passes', { timeout: 180_000 }, async () => {
    const { manifest, lines } = await run('data-dump-restore', { steps: [{ action: 'dump-restore' }] });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(manifest.steps[0]?.status).toBe('ok');
    const data = manifest.data ?? [];
    expect(data.map((d) => [d.step, d.at, d.source, d.target, d.result.outcome])).toEqual([[1, 'after-step', 'blue', 'green', 'equal']]);
    expect(data[0]!.result.summary.tables).toBeGreaterThanOrEqual(5);
    expect(data[0]!.result.target.version).toMatch(/^17\./);
    console.log(`dump-restore: validation ${data[0]!.result.durationMs} ms (phase ${phaseMs(manifest, 1, 'validate-data')} ms), ${data[0]!.result.summary.sourceRows} rows`);
    expect(['pass', 'warn']).toContain(manifest.verdict);
  });

  it('pg-upgrade --copy: the old blue started on another port and compared with green, equal', { timeout: 180_000 }, async () => {
    const { manifest, lines } = await run('data-pg-upgrade-copy', { steps: [{ action: 'pg-upgrade', mode: 'copy' }] });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(manifest.steps[0]?.status).toBe('ok');
    const data = manifest.data ?? [];
    expect(data.map((d) => [d.step, d.at, d.result.outcome, d.result.source.version.split('.')[0], d.result.target.version.split('.')[0]])).toEqual([[1, 'after-step', 'equal', '15', '17']]);
    expect(sidePlace(data[0]!.result.source)).not.toBe(sidePlace(data[0]!.result.target));
    console.log(`pg-upgrade --copy: validation ${data[0]!.result.durationMs} ms (start old blue ${phaseMs(manifest, 1, 'start-old-blue')} ms, validate ${phaseMs(manifest, 1, 'validate-data')} ms)`);
    expect(['pass', 'warn']).toContain(manifest.verdict);
  });

  it('pg-upgrade --link: a row changed by hand after the pre-checks is found in its bucket by the stored digests; the run fails', { timeout: 180_000 }, async () => {
    const psql = join(pg15 ?? '', 'psql');
    const { manifest, runDir, lines } = await run('data-pg-upgrade-link', {
      // 1,000 notifications in 16 buckets: the difference is localised to one of them.
      data: { enabled: true, rowsPerBucket: 100 },
      steps: [
        {
          action: 'command',
          name: 'a row changed by hand',
          // The row's key hash too (what validate/table-sql.ts buckets an int8 key by), to check the bucket named.
          run: [
            `"${psql}" -v ON_ERROR_STOP=1 -qc "UPDATE app.notifications SET payload = payload || '{\\"by\\": \\"hand\\"}' WHERE id = 42"`,
            `"${psql}" -v ON_ERROR_STOP=1 -Atc "SELECT hashint8extended(42, 0)" > "$CUTOVER_RUN_DIR/key-hash"`,
          ].join('\n'),
        },
        { action: 'pg-upgrade', mode: 'link' },
      ],
    });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(manifest.steps.map((s) => s.status)).toEqual(['ok', 'ok']);
    const data = manifest.data ?? [];
    expect(data.map((d) => [d.step, d.at, d.source, d.target, d.result.outcome])).toEqual([[2, 'digests', 'blue', 'green', 'different']]);
    const result = data[0]!.result;
    expect(result.tables.filter((t) => t.status !== 'equal').map((t) => t.table)).toEqual(['app.notifications']);
    const t = result.tables.find((x) => x.table === 'app.notifications')!;
    expect(t).toMatchObject({ status: 'different', changed: 1, missing: 0, extra: 0, localised: false });
    expect(t.buckets?.differing).toBe(1);
    expect(t.notes.filter((n) => n.startsWith('bucket '))).toHaveLength(1);

    // The bucket named is the one the changed row's key falls in.
    const pre = (await readSnapshot(join(runDir, 'pre.snapshot.json'))) as Awaited<ReturnType<typeof readSnapshot>> & { dataDigests?: StoredDigests };
    const stored = pre.dataDigests?.tables.find((x) => x.table === 'app.notifications');
    expect(stored).toMatchObject({ rows: 1_000, bits: 4 });
    const bucket = /^bucket (\d+) of/.exec(t.notes.find((n) => n.startsWith('bucket ')) ?? '')?.[1];
    const keyHash = BigInt((await readFile(join(runDir, 'key-hash'), 'utf8')).trim());
    expect(bucket).toBe(String(keyHash & ((1n << BigInt(stored?.bits ?? 0)) - 1n)));
    const post = JSON.parse(await readFile(join(runDir, 'post.snapshot.json'), 'utf8')) as { dataDigests?: StoredDigests };
    expect(post.dataDigests?.tables.find((x) => x.table === 'app.notifications')?.buckets[bucket ?? '']?.[0]).toBe(stored?.buckets[bucket ?? '']?.[0]);
    console.log(`pg-upgrade --link: digests ${pre.dataDigests?.durationMs} ms before, ${post.dataDigests?.durationMs} ms after; bucket ${bucket} of ${t.buckets?.total}`);
    expect(manifest.verdict).toBe('fail');
  });
});

describe('data validation around a minor restart (embedded 16.4 -> 16)', () => {
  it('asked for: digests stored by the pre-checks, recomputed by the post-checks on the same server, equal; the run passes', { timeout: 120_000 }, async () => {
    const scenario = scenarioSchema.parse({
      name: 'data-minor',
      blue: { provider: 'embedded', version: '16.4' },
      dataset: { name: 'notifications', scale: 0.1 },
      soak: { rate: 50 },
      data: true,
      // A second of soak after the restart: a restart of a second or so on a busy machine may leave
      // the soak no confirmed write, and a run that measured nothing is an error, not this test's subject.
      steps: [{ action: 'minor-restart', to: '16' }, { action: 'wait', duration: '1s' }],
    });
    const lines: string[] = [];
    const { manifest, runDir } = await runScenario(scenario, { runsDir: join(work, 'minor'), log: (l) => void lines.push(l), method: 'minor' });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    const data = manifest.data ?? [];
    expect(data.map((d) => [d.step, d.at, d.source, d.target, d.result.outcome])).toEqual([[1, 'digests', 'blue', 'blue', 'equal']]);
    expect(data[0]!.result.source.version).toBe('16.4');
    expect(data[0]!.result.target.version).not.toBe('16.4');
    expect(data[0]!.result.summary.tables).toBeGreaterThanOrEqual(5);
    const pre = JSON.parse(await readFile(join(runDir, 'pre.snapshot.json'), 'utf8')) as { dataDigests?: StoredDigests };
    expect(pre.dataDigests?.tables.some((t) => t.schema === 'cutover')).toBe(false);
    expect(['pass', 'warn'], JSON.stringify(manifest.soak?.evidence)).toContain(manifest.verdict);
  });
});
