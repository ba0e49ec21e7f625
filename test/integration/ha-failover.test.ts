import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openSession } from '../../core/session.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { readLedgers } from '../../load/ledger-reader.js';
import { ledgerId } from '../../load/ledger-types.js';
import type { RunManifest } from '../../run/manifest.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { freePort } from '../../scenarios/providers/free-port.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { runScenario } from '../support/run-scenario.js';
import { freezeProcess, walReceiverPid } from '../support/wal-receiver.js';

/**
 * Issue 18's failover acceptance: a standby whose WAL receiver is frozen (SIGSTOP) while the
 * primary, under the soak, dies (immediate); the failover promotes the standby and the soak goes on
 * there through the multi-host string. The receiver is thawed only after the kill, so the standby
 * is behind when the primary dies. The ground truth is read from the servers themselves after the
 * run: a last step that fails (exit 3) makes the runner keep both data directories, which the test
 * starts read-only.
 *
 * A frozen receiver alone loses nothing at 200 writes/s: the kernel's socket buffers hold the
 * 2 s of WAL sent meanwhile (some hundred kB), and the thawed receiver reads them before the
 * promotion. So a step writes a burst of WAL (some 25 MB, one CREATE TABLE AS, its commit local)
 * while the receiver is frozen: the walsender blocks behind it and the soak's later commits never
 * leave the primary, as on a standby that really falls behind.
 */

let work: string;
const thaws: (() => void)[] = [];
const kept: string[] = [];
let burst: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-ha-failover-'));
  // Run by a command step, which gets the writer's connection in PG* variables (pg reads them).
  burst = join(work, 'wal-burst.cjs');
  const pgModule = createRequire(import.meta.url).resolve('pg');
  await writeFile(
    burst,
    `const pg = require(${JSON.stringify(pgModule)});
const c = new pg.Client();
c.connect()
  .then(() => c.query("SET synchronous_commit = local"))
  .then(() => c.query("CREATE TABLE wal_burst AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 100000) g"))
  .then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });
`,
  );
});
afterAll(async () => {
  for (const thaw of thaws) thaw();
  for (const dir of kept) await rm(dir, { recursive: true, force: true });
  if (work) await rm(work, { recursive: true, force: true });
});

/** The soak table's ids on a kept data directory, started read-only (trust on loopback: the run's password is random). */
async function idsOnKept(dataDir: string): Promise<Set<string>> {
  const hba = join(dataDir, 'pg_hba.conf');
  await writeFile(hba, `host all all 127.0.0.1/32 trust\n${await readFile(hba, 'utf8')}`);
  await using server = LocalServer.adopt({ version: '17', name: 'kept', baseDir: dirname(dataDir), port: await freePort(), password: 'unused' });
  await server.configure({ default_transaction_read_only: 'on' });
  await server.start();
  await using db = await openSession(server.endpoint('app'));
  const rows = await db.query<{ id: string }>('SELECT id::text AS id FROM cutover.events');
  return new Set(rows.map((r) => r.id));
}

/** Ids whose outcome the ledger says is unknown (sent, no answer: the writes in flight at the kill). */
async function unknownIds(runDir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const l of await readLedgers(ledgerDir(runDir))) {
    for (const e of l.exceptions) if (e.outcome === 'unknown') ids.add(ledgerId(l.writer.writerKey, e.seq).toString());
  }
  return ids;
}

function flagged(runDir: string, cls: string): { id: string; step: string | null }[] {
  const text = readFileSync(join(runDir, 'flagged-ids.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { class: string; id: string; step: string | null })
    .filter((l) => l.class === cls);
}

/**
 * Runs the failover scenario: the receiver freezes as the first step starts and thaws as soon as
 * the failover's kill is logged. Async: a burst of WAL follows the freeze, and the failover kills
 * the primary some 2 s after it. Sync: commits wait for the frozen standby, so clients never work
 * again before the kill; the runner's wait for them after the 2 s step is cut to 2 s
 * (`soak.recoveryTimeout`), so the standby is frozen some 4 s when the primary dies.
 */
async function failoverRun(name: string, sync: boolean): Promise<{ run: RunManifest; runDir: string; lines: string[] }> {
  const scenario = scenarioSchema.parse({
    name,
    blue: { provider: 'embedded', version: '17' },
    replicas: [{ sync }],
    dataset: false,
    soak: { rate: 200, ...(sync ? { recoveryTimeout: '2s' } : {}) },
    steps: [
      ...(sync
        ? [{ action: 'wait', duration: '2s', name: 'receiver frozen' }]
        : [
            { action: 'wait', duration: '500ms', name: 'receiver frozen' },
            { action: 'command', run: `"${process.execPath}" "${burst}"`, name: 'WAL burst' },
            { action: 'wait', duration: '1s', name: 'behind' },
          ]),
      { action: 'failover' },
      { action: 'wait', duration: '2s', name: 'on the new primary' },
      { action: 'command', run: 'exit 3', name: 'keep the data directories' },
    ],
  });
  const lines: string[] = [];
  let runDir = '';
  let freezing: Promise<void> | undefined;
  let thaw: (() => void) | undefined;
  const log = (line: string) => {
    lines.push(line);
    const dir = /^run directory: (.+)$/.exec(line)?.[1];
    if (dir) runDir = dir;
    if (line.startsWith('step 1 (wait):') && !freezing) {
      freezing = (async () => {
        const run = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunManifest;
        const pid = await walReceiverPid(run.endpoints['replica-1']!.port);
        if (!pid) throw new Error('no walreceiver found');
        thaw = freezeProcess(pid);
        thaws.push(thaw);
        lines.push(`test: froze walreceiver ${pid}`);
      })();
    }
    if (/^blue: stopped \(immediate/.test(line)) {
      thaw?.();
      lines.push('test: thawed the walreceiver');
    }
  };
  const { runDir: dir, manifest } = await runScenario(scenario, { runsDir: work, log });
  await freezing;
  for (const d of Object.values(manifest.keptData ?? {})) kept.push(dirname(d));
  return { run: manifest, runDir: dir, lines };
}

describe('failover with a standby whose WAL receiver is frozen (embedded 17, soak at 200/s through the multi-host string)', () => {
  it('async: the lost set is exactly what the old primary has and the promoted standby lacks, minus the writes in flight; the soak goes on on the new primary', async () => {
    const { run, runDir, lines } = await failoverRun('ha-async-failover', false);
    const context = JSON.stringify({ error: run.error, steps: run.steps, log: lines.slice(-40) }, null, 1);
    expect(lines.some((l) => l.startsWith('test: froze walreceiver')), context).toBe(true);
    expect(run.steps.map((s) => [s.action, s.status])).toEqual([
      ['wait', 'ok'],
      ['command', 'ok'],
      ['wait', 'ok'],
      ['failover', 'ok'],
      ['wait', 'ok'],
      ['command', 'failed'],
    ]);
    const failover = run.steps[3]!;
    expect(failover.details).toMatchObject({ from: 'blue', to: 'replica-1' });
    // Verification read the new primary.
    expect(run.endpoints.writer?.port).toBe(run.endpoints['replica-1']?.port);

    const oldIds = await idsOnKept(run.keptData!.blue!);
    const newIds = await idsOnKept(run.keptData!['replica-1']!);
    const unknown = await unknownIds(runDir);
    const truth = [...oldIds].filter((id) => !newIds.has(id) && !unknown.has(id)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const lost = flagged(runDir, 'lost');
    expect(truth.length, `the fault did not bite: nothing lost\n${context}`).toBeGreaterThan(0);
    expect(lost.map((l) => l.id)).toEqual(truth);
    // The list of flagged ids names the failover as their step too.
    expect(new Set(lost.map((l) => l.step))).toEqual(new Set(['failover']));
    expect(run.soak?.summary?.lost).toBe(truth.length);
    // All of them are the failover's, though they were due while the previous step ran.
    expect(failover.lost).toBe(truth.length);
    for (const i of [0, 1, 2]) expect(run.steps[i]!.lost).toBe(0);
    const claimed = failover.details?.lostAtPromotion as { count: number; ids: string[] };
    expect(claimed.ids).toEqual(truth);
    // The old primary, started read-only after the promotion, holds every one of them.
    expect(failover.details?.oldPrimaryExamined).toMatchObject({ confirmed: truth.length, absentOnOld: [] });
    // The step table says so.
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toContain(`${truth.length} acknowledged writes never reached replica-1`);

    expectSoakOnNewPrimary(run, runDir, 3, context);
  }, 120_000);

  it('sync (synchronous_commit=on, one sync standby): the same fault loses nothing', async () => {
    const { run, runDir, lines } = await failoverRun('ha-sync-failover', true);
    const context = JSON.stringify({ error: run.error, steps: run.steps, log: lines.slice(-40) }, null, 1);
    expect(lines.some((l) => l.startsWith('test: froze walreceiver')), context).toBe(true);
    // Frozen 2 s at least when the primary died: the step before the failover lasted that long.
    expect(run.steps[0]!.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(lines.some((l) => /synchronous_standby_names = FIRST 1 \(replica-1\)/.test(l)), context).toBe(true);
    const failover = run.steps[1]!;
    expect(failover).toMatchObject({ action: 'failover', status: 'ok', lost: 0 });
    expect(failover.details?.lostAtPromotion).toMatchObject({ count: 0, ids: [] });
    const oldIds = await idsOnKept(run.keptData!.blue!);
    const newIds = await idsOnKept(run.keptData!['replica-1']!);
    const unknown = await unknownIds(runDir);
    expect([...oldIds].filter((id) => !newIds.has(id) && !unknown.has(id))).toEqual([]);
    expect(run.soak?.summary?.lost, context).toBe(0);
    // Commits waited for the frozen standby: the writes in flight at the kill have unknown outcomes.
    expect(unknown.size, context).toBeGreaterThan(0);
    expectSoakOnNewPrimary(run, runDir, 1, context);
  }, 120_000);
});

/** The soak went on on the new primary: a second of successes after the failover with no failure, nothing unexpected. */
function expectSoakOnNewPrimary(run: RunManifest, runDir: string, failoverStep: number, context: string): void {
  const timeline = readFileSync(join(runDir, 'timeline.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: number; ok: number });
  const after = Date.parse(run.steps[failoverStep]!.endedAt);
  expect(timeline.filter((b) => b.t >= after).reduce((s, b) => s + b.ok, 0), context).toBeGreaterThan(100);
  expect(run.steps[failoverStep + 1], context).toMatchObject({ status: 'ok', downtimeMs: 0, failedAttempts: 0, lost: 0 });
  expect(run.soak?.summary?.unexpected).toBe(0);
  expect(run.soak?.summary?.duplicated).toBe(0);
  // The writer change on the timeline: the soak's successes moved from blue to replica-1.
  const at = (role: string) => `${run.endpoints[role]!.host}:${run.endpoints[role]!.port}`;
  expect(run.soak?.writerServers?.changes.map((c) => [c.from, c.to, c.toPrimary]), context).toEqual([[at('blue'), at('replica-1'), true]]);
  // Dated by the first write on replica-1, inside the failover step (whose row names it).
  const changedAt = Date.parse(run.soak?.writerServers?.changes[0]?.at ?? '');
  expect(changedAt, context).toBeGreaterThanOrEqual(Date.parse(run.steps[failoverStep]!.startedAt));
  expect(changedAt, context).toBeLessThanOrEqual(after);
  expect(readFileSync(join(runDir, 'summary.md'), 'utf8'), context).toMatch(new RegExp(`\\| failover \\|.*writer changed from ${at('blue')} to ${at('replica-1')}`));
}
