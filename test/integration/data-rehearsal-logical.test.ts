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
 * clients are held, after green caught up, blue and green are compared; a table left out of the
 * publication after its initial copy is named with its row, and the run fails; the default
 * rehearsal stays green.
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
 * Leaves app.users out of the publication once its initial copy is done, the way it can be done on
 * blue (15): a FOR ALL TABLES publication takes no DROP TABLE (55000), so it is dropped and created
 * again, under the same name, for every table it published but app.users, in one transaction (the
 * walsender never finds it missing). Green still lists the table as ready, and blue stays writable.
 * Meanwhile user 7 is updated on blue every 100 ms until the stop file exists; the counter of the
 * last update before the table left is written to `users-left-out`, the script's output to
 * `leave-out.log`. Green is found among the provisioned servers' sockets by the subscription's
 * name (the publication's). So that the switchover cannot come first, green's ANALYZE (after the
 * initial copy of every table) waits on a lock on app.users until the table has left and one more
 * update was made. Environment: PSQL (a psql), TMP_DIR (where green's directory is), blue in PG*.
 */
const LEAVE_USERS_OUT = String.raw`(
start=$(date +%s); i=0; pub=; green=; left=
elapsed() { echo $(( $(date +%s) - start )); }
on_green() { sock=$1; shift; "$PSQL" -XAtq -h "$(dirname "$sock")" -p "$(basename "$sock" | cut -d. -f4)" -U postgres "$@"; }
find_green() {
  for s in "$TMP_DIR"/cutover-green-*/.s.PGSQL.*; do
    [ -S "$s" ] && [ "$(on_green "$s" -c "SELECT 1 FROM pg_subscription WHERE subname = '$pub'" 2>/dev/null)" = 1 ] && green=$s && return 0
  done
  return 1
}
gate() {
  { echo "BEGIN; LOCK TABLE app.users IN SHARE UPDATE EXCLUSIVE MODE; SELECT 'gate closed';"
    while [ ! -e "$CUTOVER_RUN_DIR/gate-open" ] && [ "$(elapsed)" -lt 120 ]; do sleep 0.05; done
    echo "SELECT 'gate opened, ANALYZE waiting: ' || count(*) FROM pg_stat_activity WHERE query = 'ANALYZE' AND wait_event_type = 'Lock'; COMMIT;"
  } | on_green "$green" -v ON_ERROR_STOP=1
}
while [ ! -e "$CUTOVER_RUN_DIR/stop-updates" ] && [ "$(elapsed)" -lt 300 ]; do
  "$PSQL" -Xqc "UPDATE app.users SET email = 'changed-$i@example.com' WHERE user_id = 7" || echo "update $i failed"
  [ -n "$left" ] && touch "$CUTOVER_RUN_DIR/gate-open"
  if [ -z "$left" ] && [ "$(elapsed)" -lt 120 ]; then
    [ -n "$pub" ] || pub=$("$PSQL" -XAtqc "SELECT pubname FROM pg_publication WHERE puballtables AND starts_with(pubname, 'cutover_bluegreen_')")
    if [ -n "$pub" ] && [ -z "$green" ]; then
      until find_green || [ "$(elapsed)" -ge 120 ]; do sleep 0.02; done
      [ -n "$green" ] && gate &
    fi
    if [ -n "$green" ] && [ "$(on_green "$green" -c "SELECT r.srsubstate FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = '$pub' AND r.srrelid = 'app.users'::regclass")" = r ]; then
      "$PSQL" -Xq -v ON_ERROR_STOP=1 -v pub="$pub" <<'SQL' || exit 1
BEGIN;
SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') AS tables FROM pg_publication_tables WHERE pubname = :'pub' AND (schemaname, tablename) <> ('app', 'users') \gset
SELECT format('DROP PUBLICATION %I', :'pub') \gexec
SELECT format('CREATE PUBLICATION %I FOR TABLE %s', :'pub', :'tables') \gexec
COMMIT;
SQL
      left=$i; echo "$i" > "$CUTOVER_RUN_DIR/users-left-out"
      echo "app.users left out of $pub after update $i ($(elapsed) s)"
    fi
  fi
  i=$((i+1)); sleep 0.1
done
echo "stopped after update $((i-1)) ($(elapsed) s)"
) >"$CUTOVER_RUN_DIR/leave-out.log" 2>&1 &`;

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

  it('a table left out of the publication after its initial copy: caught at the switchover, naming the table and the row; the run fails', { timeout: 180_000 }, async () => {
    const psql = join(green17 ?? '', 'psql');
    const { manifest, runDir, lines } = await run('data-logical-left-out', {
      steps: [
        { action: 'command', name: 'app.users left out of the publication after its copy', run: LEAVE_USERS_OUT, env: { PSQL: psql, TMP_DIR: tmpdir() } },
        { action: 'logical-bluegreen' },
        { action: 'command', name: 'stop the updates', run: 'touch "$CUTOVER_RUN_DIR/stop-updates"' },
      ],
    });
    const script = await readFile(join(runDir, 'leave-out.log'), 'utf8').catch(() => '(no leave-out.log)');
    expect(manifest.error, lines.join('\n')).toBeUndefined();
    expect(manifest.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    // The counter of the last update published before the table left: green must hold exactly it.
    const leftAfter = Number(await readFile(join(runDir, 'users-left-out'), 'utf8').catch(() => Number.NaN));
    expect(leftAfter, script).toBeGreaterThanOrEqual(0);
    const [record] = manifest.data ?? [];
    expect(record).toMatchObject({ step: 2, at: 'switchover', source: 'blue', target: 'green' });
    const result = record!.result;
    expect(script).toMatch(/app\.users left out of cutover_bluegreen_\w+ after update \d+/);
    expect(script).toMatch(/gate opened/);
    expect(script, 'blue stayed writable').not.toMatch(/failed|ERROR/);
    expect(result.outcome, script).toBe('different');
    expect(result.tables.filter((t) => t.status !== 'equal').map((t) => t.table)).toEqual(['app.users']);
    const users = result.tables.find((t) => t.table === 'app.users')!;
    expect(users).toMatchObject({ status: 'different', changed: 1, missing: 0, extra: 0, localised: true });
    expect(users.changedRows[0]?.key).toEqual({ user_id: '7' });
    const email = users.changedRows[0]?.columns.find((c) => c.column === 'email');
    // Green has every update until the table left the publication and none after; blue went on.
    expect(email?.target.text, script).toBe(`changed-${leftAfter}@example.com`);
    expect(Number(/^changed-(\d+)@example\.com$/.exec(email?.source.text ?? '')?.[1] ?? -1), script).toBeGreaterThan(leftAfter);
    console.log(`logical left out: ${script.trim().split('\n').join('; ')}; at the switchover blue ${email?.source.text}, green ${email?.target.text}`);
    expect(lines.join('\n')).toMatch(/data DIFFERENT.*app\.users/);
    expect(manifest.verdict).toBe('fail');
    // The difference fails the run through the gate, as a finding of findings.json like the checks'.
    const findings = JSON.parse(await readFile(join(runDir, 'findings.json'), 'utf8')) as { verdict: string; findings: { id: string; severity: string }[] };
    expect(findings.verdict).toBe('fail');
    expect(findings.findings).toContainEqual(expect.objectContaining({ id: 'data/app.users/changed', severity: 'fail' }));
  });
});
