import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openSession } from '../../core/session.js';
import { readLedgers } from '../../load/ledger-reader.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { LedgerExpectation } from '../../load/ledger-expectation.js';
import { verifyLedger } from '../../load/verify-ledger.js';
import { waitFor } from '../support/lab.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'ledger-crash-child.ts');

/**
 * The harness dies mid-soak (SIGKILL, no chance to flush or close): the partial ledger must
 * still give correct figures for everything it flushed, with attempts in flight counted as
 * recovered or not committed, never as lost or unexpected.
 */
describe('harness crash', () => {
  it('after a SIGKILL mid-run, the partial ledger verifies with no false lost, no false unexpected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-run-'));
    try {
      await using server = await LocalServer.start({ version: '17', name: 'ledger-crash' });
      const endpoint = server.endpoint();
      const child = spawn('npx', ['tsx', CHILD], {
        detached: true, // its own process group: the SIGKILL reaches tsx's node process too
        env: { ...process.env, CUTOVER_CRASH_CHILD: JSON.stringify({ endpoint, schema: 'cutover', runDir: dir, rate: 800, connections: 8, flushMs: 100 }) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const key = await waitFor(async () => Number(/writer (\d+)/.exec(output)?.[1]) || undefined, `the child writer to start (output: ${output})`, 60_000);

      await using db = await openSession(endpoint);
      const rowsOf = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM cutover.events WHERE writer_key = $1', [key]))[0]?.n);
      await waitFor(async () => (await rowsOf()) >= 2000, 'the child to write steadily');
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // Inserts the server had already received may still commit: wait until its sessions are gone.
      await waitFor(async () => {
        const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`, [`cutover-test-writer-${key}`]);
        return rows[0]?.n === '0';
      }, "the killed writer's sessions to end");

      const ledgers = await readLedgers(ledgerDir(dir));
      expect(ledgers.map((l) => l.writer.writerKey)).toEqual([key]);
      const [ledger] = ledgers;
      if (!ledger) return;
      expect(ledger.closed).toBe(false);
      const expectation = new LedgerExpectation(ledger);
      const flushed = expectation.composition(0, expectation.attempted - 1);
      const result = await verifyLedger({ ledgers, db, schema: 'cutover' });
      const rows = await rowsOf();

      expect(result.lost).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.duplicated).toBe(0);
      expect(result.confirmed).toBe(flushed.ok);
      expect(result.failed).toBe(flushed.error);
      // Attempts in flight and reserved seqs: unknown, each either recovered or not committed.
      expect(flushed.unknown).toBeGreaterThan(0);
      // ...bounded by what was in flight plus the reservation (half a second of attempts), so the
      // crash inflates attempts by less than a second's worth.
      expect(flushed.unknown).toBeLessThan(800);
      expect(result.recovered + result.notCommitted).toBe(flushed.unknown);
      // Acknowledged but not yet flushed when killed: present, and counted as recovered.
      expect(result.recovered).toBeGreaterThan(0);
      expect(result.attempts).toBe(flushed.ok + flushed.error + flushed.unknown);
      // Every row the killed writer left is accounted for.
      expect(result.confirmed + result.recovered).toBe(rows);
      expect(result.confirmed).toBeGreaterThan(1500);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
