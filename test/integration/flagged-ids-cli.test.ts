import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LocalServer } from '../../scenarios/providers/index.js';
import { ROOT, cleanEnv, onLoadRunning, runCli } from '../support/run-cli.js';
import { onlyRunDir, readRun } from '../support/run-dirs.js';
import type { FlaggedIdLine } from '../../load/flagged-ids-file.js';
import { waitFor } from '../support/lab.js';

let server: LocalServer;
let url: string;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-flagged-ids-'));
  env = cleanEnv(work);
  server = await LocalServer.start({ version: '16', name: 'flagged-ids' });
  // As a user types it: no sslmode (the default, prefer, against a server without TLS).
  url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/postgres`;
});

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const EVENTS = 'cutover.events';

const lines = (text: string): FlaggedIdLine[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as FlaggedIdLine);

const idsOf = (all: FlaggedIdLine[], cls: FlaggedIdLine['class']) => all.filter((l) => l.class === cls).map((l) => l.id).sort();

describe('the lost ids are one command away', () => {
  const runDir = () => join(work, 'soak-losing');
  let deletedDuringSoak: string[] = [];

  it('a soak that loses acknowledged writes lists each of them, with writer, due time and step, in its run directory', async () => {
    let deleting: Promise<string[]> | undefined;
    const r = await runCli(['soak', '--db', url, '--rate', '100', '--duration', '4s', '--run-dir', runDir()], {
      env,
      cwd: work,
      onSpawn: onLoadRunning(() => {
        // Acknowledged writes disappear under the soak: the three lowest ids once twenty are in.
        deleting = (async () => {
          await using admin = await server.admin();
          await waitFor(async () => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${EVENTS}`))[0]!.n >= 20, 'twenty events', 10_000);
          const rows = await admin.query<{ id: string }>(`DELETE FROM ${EVENTS} WHERE id IN (SELECT id FROM ${EVENTS} ORDER BY id LIMIT 3) RETURNING id::text AS id`);
          return rows.map((x) => x.id).sort();
        })();
      }),
    });
    deletedDuringSoak = await deleting!;
    expect(deletedDuringSoak).toHaveLength(3);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`3 lost: ids in ${join('soak-losing', 'flagged-ids.ndjson')}`);

    const run = readRun(runDir());
    expect(run.files.flaggedIds).toBe('flagged-ids.ndjson');
    const writer = run.soak!.writers[0]!;
    const step = run.steps[0]!;
    const listed = lines(readFileSync(join(runDir(), 'flagged-ids.ndjson'), 'utf8'));
    expect(listed.map((l) => l.id).sort()).toEqual(deletedDuringSoak);
    for (const l of listed) {
      expect(l).toMatchObject({ class: 'lost', writer: writer.label, writerKey: writer.writerKey, step: 'soak' });
      const due = Date.parse(l.dueAt!);
      expect(due).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
      expect(due).toBeLessThanOrEqual(Date.parse(step.endedAt));
    }
    // The report points at the file where the step table counts them.
    expect(readFileSync(join(runDir(), 'report.html'), 'utf8')).toContain('<a href="flagged-ids.ndjson">flagged-ids.ndjson</a>');
  });

  it('cutover verify --ids FILE names exactly the lost, unexpected and duplicated ids, with their class and step', async () => {
    const run = readRun(runDir());
    const key = run.soak!.writers[0]!.writerKey;
    await using admin = await server.admin();
    // Two more acknowledged writes lost, one applied twice, one that was never attempted.
    const lostNow = (await admin.query<{ id: string }>(`DELETE FROM ${EVENTS} WHERE id IN (SELECT id FROM ${EVENTS} WHERE writer_key = $1 ORDER BY id DESC LIMIT 2) RETURNING id::text AS id`, [key])).map((x) => x.id);
    const [dup] = await admin.query<{ id: string }>(
      `INSERT INTO ${EVENTS} (id, writer_key, payload) SELECT id, writer_key, payload FROM ${EVENTS} WHERE id = (SELECT min(id) FROM ${EVENTS} WHERE writer_key = $1) RETURNING id::text AS id`,
      [key],
    );
    const [never] = await admin.query<{ id: string }>(`INSERT INTO ${EVENTS} (id, writer_key, payload) VALUES ($1::int8 * 4294967296 + 4000000000, $1, 'never attempted') RETURNING id::text AS id`, [key]);

    const file = join(work, 'verify-ids.ndjson');
    const v = await runCli(['verify', '--run-dir', runDir(), '--db', url, '--ids', file], { env, cwd: work });
    expect(v.code, v.stderr).toBe(1);
    expect(v.stdout).toContain(`5 lost, 1 unexpected, 1 duplicated: ids in ${file}`);
    const listed = lines(readFileSync(file, 'utf8'));
    expect(idsOf(listed, 'lost')).toEqual([...deletedDuringSoak, ...lostNow].sort());
    expect(idsOf(listed, 'unexpected')).toEqual([never!.id]);
    expect(idsOf(listed, 'duplicated')).toEqual([dup!.id]);
    expect(listed).toHaveLength(7);
    for (const l of listed.filter((x) => x.class !== 'unexpected')) expect(l.step).toBe('soak');
    // Never attempted: no due time, hence no step.
    expect(listed.find((l) => l.class === 'unexpected')).toMatchObject({ dueAt: null, step: null, writerKey: key });

    // '-' puts the same lines on stdout and the summary on stderr, so the ids can be piped.
    const piped = await runCli(['verify', '--run-dir', runDir(), '--db', url, '--ids', '-'], { env, cwd: work });
    expect(piped.code, piped.stderr).toBe(1);
    expect(lines(piped.stdout)).toEqual(listed);
    expect(piped.stderr).toMatch(/result: FAIL: 5 lost, 1 unexpected, 1 duplicated/);

    // Without --ids, verify writes nothing and says how to get them.
    const plain = await runCli(['verify', '--run-dir', runDir(), '--db', url], { env, cwd: work });
    expect(plain.stdout).toContain('5 lost, 1 unexpected, 1 duplicated: list them with --ids FILE');
  });

  it('refuses --ids - with --json, and an --ids path it cannot write, before connecting (exit 2)', async () => {
    const both = await runCli(['verify', '--run-dir', runDir(), '--db', url, '--ids', '-', '--json'], { env, cwd: work });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--ids -: stdout already carries the --json object/);
    const nowhere = await runCli(['verify', '--run-dir', runDir(), '--db', url, '--ids', join(work, 'missing-dir', 'ids.ndjson')], { env, cwd: work });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/--ids .*: directory .* does not exist/);
  });
});

describe('a scenario run lists its flagged ids by step', () => {
  it('cutover run: writes acknowledged during a step and then deleted are listed as lost in that step', async () => {
    // The command step deletes three events written after it began (so due during it), once acknowledged.
    const script = `
      const { Client } = require(process.env.PG_MODULE);
      const c = new Client({ ssl: false });
      (async () => {
        await c.connect();
        const [{ since }] = (await c.query("SELECT coalesce(max(id), 0)::text AS since FROM ${EVENTS}")).rows;
        const deadline = Date.now() + 10000;
        const newer = async (n) => (await c.query("SELECT id::text AS id FROM ${EVENTS} WHERE id > $1::int8 ORDER BY id LIMIT " + n, [since])).rows;
        const waitFor = async (n) => {
          while ((await newer(n)).length < n) if (Date.now() > deadline) throw new Error('no new events');
          return (await newer(n)).map((r) => r.id);
        };
        // Three events from well inside the step: due times are interpolated between anchors a
        // second apart, so writes at the very start or end of a short step could land beside it.
        const ids = (await waitFor(8)).slice(5);
        await waitFor(30);
        const r = await c.query("DELETE FROM ${EVENTS} WHERE id = ANY($1::int8[]) RETURNING id::text AS id", [ids]);
        console.log(r.rows.map((x) => x.id).join(' '));
        await c.end();
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    await writeFile(join(work, 'lose-writes.cjs'), script);
    const file = join(work, 'losing.scenario.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'losing',
        blue: { provider: 'embedded', version: '16' },
        dataset: false,
        soak: { rate: 50 },
        steps: [
          { action: 'wait', duration: '1s', name: 'before' },
          { action: 'command', name: 'lose writes', run: `node ${JSON.stringify(join(work, 'lose-writes.cjs'))}`, timeout: '30s', env: { PG_MODULE: join(ROOT, 'node_modules', 'pg') } },
          { action: 'wait', duration: '1s', name: 'after' },
        ],
      }),
    );
    const runsDir = join(work, 'runs-losing');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    const runDir = onlyRunDir(runsDir);
    const deleted = readFileSync(join(runDir, 'steps', '02-command', 'command.log'), 'utf8').trim().split(' ').sort();
    expect(deleted, result.stderr).toHaveLength(3);
    expect(result.code, result.stderr).toBe(1);
    const run = readRun(runDir);
    expect(run.files.flaggedIds).toBe('flagged-ids.ndjson');
    const listed = lines(readFileSync(join(runDir, 'flagged-ids.ndjson'), 'utf8'));
    expect(idsOf(listed, 'lost')).toEqual(deleted);
    expect(listed).toHaveLength(3);
    for (const l of listed) expect(l).toMatchObject({ class: 'lost', step: 'lose writes', writerKey: run.soak!.writers[0]!.writerKey });
    // The step table counts them in the same step, and the terminal says where the ids are.
    expect(run.steps.map((s) => s.lost)).toEqual([0, 3, 0]);
    expect(result.stdout).toContain(`3 lost: ids in ${join(relative(work, runDir), 'flagged-ids.ndjson')}`);
  });
});

