import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openSession, type Session } from '../../core/session.js';
import { runChecked } from '../../core/child-process.js';
import { readLedgers } from '../../load/ledger-reader.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { ledgerId } from '../../load/ledger-types.js';
import { verifyLedger } from '../../load/verify-ledger.js';
import { registerWriter, MAX_WRITER_KEY } from '../../load/writer-registry.js';
import { TestLedgeredWriter } from '../support/ledgered-writer.js';
import { waitFor } from '../support/lab.js';

/**
 * Verification against a real PostgreSQL 17: a writer inserts through the ledger, the test
 * injects each anomaly DESIGN.md names, and verification must report exactly those ids.
 */

const SCHEMA = 'cutover';
let server: LocalServer;
let admin: Session;
const dirs: string[] = [];

async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-run-'));
  dirs.push(dir);
  return dir;
}

async function idsOf(db: Session, writerKey: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT DISTINCT id::text AS id FROM ${SCHEMA}.events WHERE writer_key = $1 ORDER BY 1`, [writerKey]);
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  server = await LocalServer.start({ version: '17', name: 'ledger-verify' });
  admin = await server.admin();
  // Sessions opened before a read-only flip must still be able to undo it.
  await admin.query('SET default_transaction_read_only = off');
});

afterAll(async () => {
  await admin?.close();
  await server?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('writer registry', () => {
  it('hands out distinct keys in 1 .. 2^31-1, recorded in the soak schema', async () => {
    const keys = new Set<number>();
    for (let i = 0; i < 40; i++) keys.add((await registerWriter(admin, 'registry_test', `writer ${i}`)).writerKey);
    expect(keys.size).toBe(40);
    for (const k of keys) expect(k >= 1 && k <= MAX_WRITER_KEY).toBe(true);
    const rows = await admin.query<{ n: string; labels: string }>(`SELECT count(*) AS n, count(DISTINCT label) AS labels FROM registry_test.writers WHERE started_at IS NOT NULL`);
    expect(rows[0]).toEqual({ n: '40', labels: '40' });
  });
});

describe('verifyLedger against a real table', () => {
  it('reports exactly the injected unexpected ids (error outcomes, never attempted) and duplicates, and nothing lost', async () => {
    const dir = await runDir();
    const writer = await TestLedgeredWriter.start({ endpoint: server.endpoint(), schema: SCHEMA, runDir: dir, rate: 400 });
    await waitFor(async () => writer.stats.ok >= 200, 'first acknowledged writes');
    // The server turns read-only: every insert gets 25006 on a live connection, a certain error.
    await admin.query('ALTER SYSTEM SET default_transaction_read_only = on');
    await admin.query('SELECT pg_reload_conf()');
    await waitFor(async () => writer.stats.error >= 100, 'read-only errors');
    await admin.query('ALTER SYSTEM RESET default_transaction_read_only');
    await admin.query('SELECT pg_reload_conf()');
    const okBefore = writer.stats.ok;
    await waitFor(async () => writer.stats.ok >= okBefore + 200, 'writes after the read-only window');
    const stats = await writer.stop();
    const key = writer.writer.writerKey;

    const [ledger] = await readLedgers(ledgerDir(dir));
    if (!ledger) throw new Error('no ledger written');
    expect(ledger.closed).toBe(true);
    const errors = ledger.exceptions.filter((e) => e.outcome === 'error');
    expect(errors.length).toBe(stats.error);
    expect(errors.every((e) => e.errorClass === 'read-only')).toBe(true);

    // Inject: three ids the client was told failed, two never attempted, two acknowledged ids
    // written twice, and an id of a writer that is not part of this run.
    const errorSeqs = [errors[0], errors[Math.floor(errors.length / 2)], errors[errors.length - 1]].map((e) => e?.seq ?? -1);
    const neverSeqs = [stats.sent + 10, 2 ** 32 - 1];
    const dupSeqs = [ledger.okRanges[0]?.[0] ?? -1, (ledger.okRanges.at(-1)?.[1] ?? 0) - 3];
    const inject = [...errorSeqs, ...neverSeqs, ...dupSeqs].map((s) => ledgerId(key, s).toString());
    const foreign = ledgerId(key === 1 ? 2 : key - 1, 5).toString();
    await admin.query(`INSERT INTO ${SCHEMA}.events (id, writer_key) SELECT x, (x >> 32)::int FROM unnest($1::int8[]) x`, [[...inject, foreign]]);

    await using db = await openSession(server.endpoint());
    const result = await verifyLedger({ ledgers: [ledger], db, schema: SCHEMA });
    const id = (s: number) => ledgerId(key, s).toString();
    expect(result).toMatchObject({
      attempts: stats.sent,
      confirmed: stats.ok,
      lost: 0,
      failed: stats.error - 3,
      recovered: 0,
      notCommitted: stats.unknown,
      unexpected: 5,
      duplicated: 2,
    });
    expect(result.ids.lost).toEqual([]);
    expect(result.ids.unexpected).toEqual([...errorSeqs, ...neverSeqs].sort((a, b) => a - b).map(id));
    expect(result.ids.duplicated).toEqual(dupSeqs.map(id));
    // Every row of this writer is accounted for.
    const [row] = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.events WHERE writer_key = $1`, [key]);
    expect(Number(row?.n)).toBe(result.confirmed + result.recovered + result.unexpected + dupSeqs.length);
  });

  it('a copy restored from mid-run: exactly the acknowledged ids written after the copy are lost', async () => {
    const dir = await runDir();
    const writer = await TestLedgeredWriter.start({ endpoint: server.endpoint(), schema: SCHEMA, runDir: dir, rate: 300 });
    const key = writer.writer.writerKey;
    await waitFor(async () => writer.stats.ok >= 300, 'writes before the copy');
    // Copy the cluster mid-run (a fast stop is a short outage for the writer), then keep writing.
    await server.stop('fast');
    const copy = `${server.dataDir}.copy`;
    await runChecked('cp', ['-a', server.dataDir, copy]);
    await server.start();
    const okAtCopy = writer.stats.ok;
    await waitFor(async () => writer.stats.ok >= okAtCopy + 300, 'writes after the copy');
    const stats = await writer.stop();
    await admin.close();
    admin = await server.admin();
    const before = await idsOf(admin, key);
    // Restore the copy in place of the cluster.
    await admin.close();
    await server.stop('fast');
    await rename(server.dataDir, `${server.dataDir}.after`);
    await rename(copy, server.dataDir);
    await server.start();
    admin = await server.admin();
    await admin.query('SET default_transaction_read_only = off');
    const after = new Set(await idsOf(admin, key));

    const [ledger] = await readLedgers(ledgerDir(dir));
    if (!ledger) throw new Error('no ledger written');
    const okIds = new Set<string>();
    for (const [from, to] of ledger.okRanges) for (let s = from; s <= to; s++) okIds.add(ledgerId(key, s).toString());
    const expectedLost = before.filter((id) => okIds.has(id) && !after.has(id));
    expect(expectedLost.length).toBeGreaterThan(200);

    await using db = await openSession(server.endpoint());
    const result = await verifyLedger({ ledgers: [ledger], db, schema: SCHEMA, idsCap: Infinity });
    expect(result.ids.lost).toEqual(expectedLost);
    expect(result.lost).toBe(expectedLost.length);
    expect(result).toMatchObject({ attempts: stats.sent, unexpected: 0, duplicated: 0, confirmed: stats.ok - expectedLost.length });
    expect(result.recovered + result.notCommitted).toBe(stats.unknown);
    await rm(`${server.dataDir}.after`, { recursive: true, force: true });
  });
});
