import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../run/manifest.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { scenarioSchema, type ScenarioInput } from '../../scenarios/scenario-types.js';
import { runScenario } from '../support/run-scenario.js';

/**
 * Data validation at the switchover of a logical blue/green (embedded 15 -> lab 17): while
 * clients are held, after green caught up, blue and green are compared; a table whose updates
 * never reached green is named with its row, and the run fails; the default rehearsal stays green.
 */

const lab = findLab();
const green17 = lab?.bindir(17);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-data-logical-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function run(name: string, extra: Partial<ScenarioInput>): Promise<{ manifest: RunManifest; runDir: string; lines: string[] }> {
  const scenario = scenarioSchema.parse({
    name,
    blue: { provider: 'embedded', version: '15' },
    green: { provider: 'bindir', bindir: green17 },
    dataset: { name: 'notifications', scale: 0.1 },
    soak: { rate: 50 },
    steps: [{ action: 'wait', duration: '1s' }, { action: 'logical-bluegreen' }, { action: 'wait', duration: '1s', name: 'soak after' }],
    ...extra,
  });
  const lines: string[] = [];
  const result = await runScenario(scenario, { runsDir: join(work, name), log: (l) => void lines.push(l), method: 'logical' });
  return { ...result, lines };
}

/**
 * A replica trigger on app.users that drops every UPDATE the subscription applies (pg_dump carries
 * it to green with `ENABLE REPLICA TRIGGER`; on blue it never fires), and a loop on blue updating
 * user 7 every 100 ms until the stop file exists: the initial copy has the row, its later updates
 * never reach green — what a table left out of the publication after the copy looks like.
 */
function skipUsersUpdates(psql: string): string {
  return [
    `"${psql}" -v ON_ERROR_STOP=1 -qc "CREATE FUNCTION app.drop_applied_update() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'" \\`,
    `  -c "CREATE TRIGGER drop_applied_update BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.drop_applied_update()" \\`,
    `  -c "ALTER TABLE app.users ENABLE REPLICA TRIGGER drop_applied_update"`,
    `(i=0; while [ ! -e "$CUTOVER_RUN_DIR/stop-updates" ] && [ $i -lt 1200 ]; do`,
    `  "${psql}" -qc "UPDATE app.users SET email = 'changed-$i@example.com' WHERE user_id = 7" >/dev/null 2>&1; i=$((i+1)); sleep 0.1;`,
    `done) >/dev/null 2>&1 &`,
  ].join('\n');
}

describe.skipIf(!green17)("data validation in a logical blue/green rehearsal (skipped without the lab's PostgreSQL 17)", () => {
  it('default: a data record at the switchover, every table equal, its time a phase of the held window; the run passes', { timeout: 180_000 }, async () => {
    const { manifest, runDir, lines } = await run('data-logical-default', {});
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    const step = manifest.steps[1]!;
    const data = manifest.data ?? [];
    expect(data.map((d) => [d.step, d.at, d.source, d.target, d.result.outcome])).toEqual([[2, 'switchover', 'blue', 'green', 'equal']]);
    const result = data[0]!.result;
    expect(result.summary.tables).toBeGreaterThanOrEqual(5);
    expect(result.tables.every((t) => t.status === 'equal' && t.schema !== 'cutover')).toBe(true);
    expect(result.summary.sourceRows).toBeGreaterThan(1_000);
    const names = step.phases?.map((p) => p.name) ?? [];
    expect(names.indexOf('validate-data')).toBeGreaterThan(names.indexOf('drain'));
    expect(names.indexOf('validate-data')).toBeLessThan(names.indexOf('repoint'));
    const phase = step.phases?.find((p) => p.name === 'validate-data');
    const held = (step.details?.clientsHeld as { durationMs: number } | undefined)?.durationMs ?? 0;
    expect(held).toBeGreaterThanOrEqual(phase?.durationMs ?? Infinity);
    console.log(`logical default: validation ${result.durationMs} ms (phase ${phase?.durationMs} ms) of ${held} ms held; ${result.summary.sourceRows} rows in ${result.summary.tables} tables`);
    expect(['pass', 'warn']).toContain(manifest.verdict);
    const json = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(json.data?.[0]?.result.outcome).toBe('equal');
  });

  it('when: after-switchover: compared once clients resumed on green, outside the held window', { timeout: 180_000 }, async () => {
    const { manifest, lines } = await run('data-logical-after', { data: { when: 'after-switchover' } });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect((manifest.data ?? []).map((d) => [d.step, d.at, d.result.outcome])).toEqual([[2, 'after-switchover', 'equal']]);
    const names = manifest.steps[1]?.phases?.map((p) => p.name) ?? [];
    expect(names.indexOf('validate-data')).toBeGreaterThan(names.indexOf('resume'));
    expect(names.indexOf('validate-data')).toBeGreaterThan(names.indexOf('cleanup'));
    expect(['pass', 'warn']).toContain(manifest.verdict);
  });

  it("a table whose updates were not replicated after the copy: caught at the switchover, naming the table and the row; the run fails", { timeout: 180_000 }, async () => {
    const psql = join(green17 ?? '', 'psql');
    const { manifest, runDir, lines } = await run('data-logical-skipped', {
      steps: [
        { action: 'command', name: 'updates of app.users not replicated', run: skipUsersUpdates(psql) },
        { action: 'logical-bluegreen' },
        { action: 'command', name: 'stop the updates', run: 'touch "$CUTOVER_RUN_DIR/stop-updates"' },
      ],
    });
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(manifest.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    const [record] = manifest.data ?? [];
    expect(record).toMatchObject({ step: 2, at: 'switchover', source: 'blue', target: 'green' });
    const result = record!.result;
    expect(result.outcome).toBe('different');
    expect(result.tables.filter((t) => t.status !== 'equal').map((t) => t.table)).toEqual(['app.users']);
    const users = result.tables.find((t) => t.table === 'app.users')!;
    expect(users).toMatchObject({ status: 'different', changed: 1, missing: 0, extra: 0, localised: true });
    expect(users.changedRows[0]?.key).toEqual({ user_id: '7' });
    const email = users.changedRows[0]?.columns.find((c) => c.column === 'email');
    // Green kept what the initial copy had (the seed's, or an update from before the copy); blue went on.
    const counter = (text: string | null | undefined): number => Number(/^changed-(\d+)@/.exec(text ?? '')?.[1] ?? -1);
    expect(email?.source.text).toMatch(/^changed-\d+@example\.com$/);
    expect(email?.target.text).toMatch(/^(user7|changed-\d+)@example\.com$/);
    expect(counter(email?.source.text)).toBeGreaterThan(counter(email?.target.text));
    expect(lines.join('\n')).toMatch(/data DIFFERENT.*app\.users/);
    expect(manifest.verdict).toBe('fail');
    // The difference fails the run through the gate, as a finding of findings.json like the checks'.
    const findings = JSON.parse(await readFile(join(runDir, 'findings.json'), 'utf8')) as { verdict: string; findings: { id: string; severity: string }[] };
    expect(findings.verdict).toBe('fail');
    expect(findings.findings).toContainEqual(expect.objectContaining({ id: 'data/app.users/changed', severity: 'fail' }));
  });
});
