import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openSession, type Session } from '../../core/session.js';
import { readLedgers } from '../../load/ledger-reader.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { ledgerId } from '../../load/ledger-types.js';
import { verifyLedger } from '../../load/verify-ledger.js';
import { TestLedgeredWriter } from '../support/ledgered-writer.js';
import { labBindir, startLabServer, waitFor } from '../support/lab.js';

/**
 * Loss accuracy the way it happens in production: a standby that fell behind is promoted, and
 * the acknowledged writes it never received are gone. Verification against the promoted
 * standby must name exactly those ids, and nothing else.
 */

function lab17(): string | undefined {
  try {
    return labBindir(17);
  } catch {
    return undefined;
  }
}
const bindir = lab17();

async function idsOf(db: Session, writerKey: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id::text AS id FROM cutover.events WHERE writer_key = $1 ORDER BY id`, [writerKey]);
  return rows.map((r) => r.id);
}

describe.skipIf(!bindir)(`loss accuracy: a standby promoted behind${bindir ? '' : ' (skipped: the upgrade lab has no PostgreSQL 17, run scripts/lab.sh)'}`, () => {
  it('verification against the promoted standby reports exactly the acknowledged ids it never received as lost', async () => {
    if (!bindir) return;
    const dir = await mkdtemp(join(tmpdir(), 'cutover-run-'));
    await using _cleanup = { [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
    await using primary = await startLabServer(17, { name: 'ledger-primary' });
    // The standby: a base backup of the primary (-R: it follows the primary) in a fresh directory.
    await using standby = await LocalServer.init({ bindir, name: 'ledger-standby', password: primary.password });
    await rm(standby.dataDir, { recursive: true, force: true });
    await standby.run('pg_basebackup', ['-D', standby.dataDir, '-h', primary.host, '-p', String(primary.port), '-U', 'postgres', '-X', 'stream', '-R', '-c', 'fast'], {
      env: { ...process.env, PGPASSWORD: primary.password },
    });
    await standby.start();

    const writer = await TestLedgeredWriter.start({ endpoint: primary.endpoint(), schema: 'cutover', runDir: dir, rate: 300 });
    const key = writer.writer.writerKey;
    // Replication works: the standby sees the writer's rows...
    await waitFor(async () => {
      await using s = await openSession(standby.endpoint());
      return (await idsOf(s, key)).length >= 200;
    }, 'rows replicated to the standby');
    // ...until it stops receiving: it falls behind while the primary keeps acknowledging writes.
    await standby.stop('fast');
    const okAtCut = writer.stats.ok;
    await waitFor(async () => writer.stats.ok >= okAtCut + 300, 'writes the standby never receives');
    const stats = await writer.stop();
    let onPrimary: string[];
    {
      await using p = await openSession(primary.endpoint());
      onPrimary = await idsOf(p, key);
    }
    // The primary dies; the standby, behind, is promoted and becomes the final writer.
    await primary.stop('immediate');
    await standby.start();
    await standby.run('pg_ctl', ['promote', '-D', standby.dataDir, '-w', '-t', '60']);
    await using db = await openSession(standby.endpoint());
    await waitFor(async () => (await db.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]?.r === false, 'promotion');
    const onStandby = new Set(await idsOf(db, key));

    const [ledger] = await readLedgers(ledgerDir(dir));
    if (!ledger) throw new Error('no ledger written');
    const acknowledged = new Set<string>();
    for (const [from, to] of ledger.okRanges) for (let s = from; s <= to; s++) acknowledged.add(ledgerId(key, s).toString());
    const expectedLost = onPrimary.filter((id) => acknowledged.has(id) && !onStandby.has(id));
    expect(expectedLost.length).toBeGreaterThanOrEqual(300);

    const result = await verifyLedger({ ledgers: [ledger], db, schema: 'cutover', idsCap: Infinity });
    expect(result.ids.lost).toEqual(expectedLost);
    expect(result).toMatchObject({
      attempts: stats.sent,
      lost: expectedLost.length,
      confirmed: onStandby.size,
      unexpected: 0,
      duplicated: 0,
      failed: stats.error,
    });
    expect(result.ids.unexpected).toEqual([]);
    expect(result.ids.duplicated).toEqual([]);
  });
});
