import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectClient } from '../../core/connect-client.js';
import { LocalServer } from '../../scenarios/providers/index.js';
import { runDriver, type AttemptRecord } from '../../load/driver/index.js';
import { DEFAULT_BACKOFF } from '../../load/driver/backoff.js';
import { workloadByName } from '../../load/workloads/index.js';
import { outageWindows } from '../../load/outages.js';
import { verifyRunLedger } from '../../load/soak-verify.js';
import { waitFor } from '../support/lab.js';
import { connectionsNamed, fileLedger, openSocketsTo } from '../support/driver-harness.js';
import { NetworkNamespace, netnsUnsupported, removeStaleNamespaces } from '../support/netns.js';

/**
 * A network partition, not a crash (issue 18): the primary runs in a network namespace of the
 * test's own, and its link is cut for 5 s so that packets vanish with no reset (test/support/
 * netns.ts). The soak writes at 100/s through it the whole time.
 *
 * When the link returns nothing tells the client: it learns it when one of its packets next
 * crosses, and when that happens is set by TCP's timers and the driver's own. The driver gives
 * a hung connection up within 3 s (the attempt timeout, 1 s; then 1 s for the statement to end
 * by itself; then 1 s for a cancel request), long before the 5 s are over, and opens new ones:
 * after the first failures one at a time, each SYN given up after the connect timeout (the
 * attempt timeout), then the backoff. So after the link returns a SYN crosses within the
 * longest gap between two SYNs of that sequence (`synGapMs`), and a new session follows.
 * A session that stays open across the cut (the witness) shows the other timer: its lost segment
 * is retransmitted with exponential backoff from TCP_RTO_MIN (200 ms), each retransmission
 * about as long after the previous one as that one was after the first send, so its answer
 * comes at most the length of the cut (plus one RTO) after the link returns.
 */

const RATE = 100;
const INTERVAL_MS = 1000 / RATE;
const CUT_MS = 5_000;
const TIMEOUT_MS = 1_000;
const CONNECTIONS = 4;
const APP = 'cutover-partition-test';
/** Linux's initial SYN retransmission timeout (TCP_TIMEOUT_INIT, RFC 6298's initial RTO); it doubles at each retry. */
const SYN_RTO_MS = 1_000;
/** Linux's TCP_RTO_MIN: the retransmission timeout of a segment on a link this short, before backoff. */
const RTO_MIN_MS = 200;
/** A new session on a busy two-core machine: TCP handshake, fork, SCRAM, the first insert. */
const NEW_SESSION_MS = 250;
/** The driver's epoch times (a performance clock from a Date.now() origin) against Date.now(). */
const CLOCK_MS = 2;

/**
 * The longest wait between two SYNs the driver's connection attempts send while the link is
 * down: the kernel retransmits a SYN at 1, 3, 7… s after the first (initial RTO 1 s, doubling)
 * as long as the driver still waits; the driver gives up after `connectTimeoutMs` and sends a
 * new one after at most the backoff cap.
 */
function synGapMs(connectTimeoutMs: number, backoffCapMs: number): number {
  const sends = [0];
  for (let rto = SYN_RTO_MS, at = SYN_RTO_MS; at < connectTimeoutMs; rto *= 2, at += rto) sends.push(at);
  sends.push(connectTimeoutMs + backoffCapMs);
  return Math.max(...sends.slice(1).map((t, i) => t - (sends[i] as number)));
}

const why = netnsUnsupported();

describe.skipIf(why !== undefined)(`a network partition of the primary${why ? ` (skipped: ${why})` : ''}`, () => {
  let ns: NetworkNamespace | undefined;
  let server: LocalServer | undefined;
  let runDir: string | undefined;

  beforeAll(async () => {
    await removeStaleNamespaces();
    ns = await NetworkNamespace.create();
    server = await LocalServer.start({ version: '17', name: 'partitioned', netns: { name: ns.name, address: ns.address } });
    runDir = await mkdtemp(join(tmpdir(), 'cutover-partition-'));
  });

  afterAll(async () => {
    // Reverse order, each step whatever the last did: the link back (so the server can stop
    // politely), the server, the namespace, the run directory.
    const errors: unknown[] = [];
    if (ns?.isCut) await ns.restore().catch((e: unknown) => errors.push(e));
    await server?.close().catch((e: unknown) => errors.push(e));
    await ns?.destroy().catch((e: unknown) => errors.push(e));
    if (runDir) await rm(runDir, { recursive: true, force: true });
    if (errors.length) throw errors[0];
  });

  it(`link dropped for ${CUT_MS / 1000} s: one timeout window from the cut to within TCP's timers of the return, nothing leaked, 0 lost`, async () => {
    const s = server as LocalServer;
    const link = ns as NetworkNamespace;
    // The primary really is in there: its postmaster in the namespace, answering on its address only.
    expect(link.holds(await s.postmasterPid())).toBe(true);
    expect(link.holds(process.pid)).toBe(false);
    {
      await using admin = await s.admin();
      expect(await admin.query('SELECT host(inet_server_addr()) AS addr, host(inet_client_addr()) AS client')).toEqual([{ addr: link.address, client: link.hostAddress }]);
    }
    const records: AttemptRecord[] = [];
    const controller = new AbortController();
    const load = runDriver({
      workload: workloadByName('writes-only'),
      endpoint: s.endpoint(),
      rate: RATE,
      connections: CONNECTIONS,
      timeoutMs: TIMEOUT_MS,
      ledger: fileLedger(runDir as string, RATE),
      signal: controller.signal,
      onAttempt: (r) => records.push(r),
      applicationName: APP,
    });
    let crashed: unknown;
    load.catch((error: unknown) => (crashed = error));
    const okSince = (since: number, n: number) =>
      waitFor(
        async () => {
          if (crashed) throw crashed;
          return records.filter((r) => r.ok && r.dueAt >= since).length >= n;
        },
        `${n} successful attempts after ${new Date(since).toISOString()}`,
        30_000,
      );

    // A session of its own across the cut, to see TCP's retransmission timer on a live connection.
    const witness: pg.Client = await connectClient(s.endpoint(), { application_name: 'cutover-partition-witness' });
    const { cut, restored, witnessSentAt, witnessAnswer } = await (async () => {
      await okSince(0, RATE);
      const cutTimes = await link.cut();
      try {
        const sentAt = Date.now();
        const answer = witness.query('SELECT 1').then(() => Date.now());
        answer.catch(() => {});
        await sleep(CUT_MS - (Date.now() - cutTimes.appliedAt)); // the injected partition
        return { cut: cutTimes, restored: await link.restore(), witnessSentAt: sentAt, witnessAnswer: answer };
      } finally {
        if (link.isCut) await link.restore();
      }
    })();
    await okSince(restored.appliedAt, RATE);
    // Recovered without piling up sessions: the hung ones are gone, at most the pool's size is open.
    const backendsAfterRecovery = await connectionsNamed(s, APP);
    const witnessAt = await witnessAnswer;
    await witness.end();
    controller.abort();
    const result = await load;
    const stoppedAt = Date.now();

    // No connection leaked: the server's backends of the soak end, and so do the driver's sockets.
    const backendsGone = await waitFor(async () => ((await connectionsNamed(s, APP)) === 0 ? Date.now() : undefined), `the soak's backends to exit`, 15_000);
    const openSockets = await openSocketsTo(s.port);
    const { verification } = await verifyRunLedger({ runDir: runDir as string, endpoint: s.endpoint(), schema: 'cutover' });

    const windows = outageWindows(records);
    const w = windows[0];
    const synGap = synGapMs(TIMEOUT_MS, DEFAULT_BACKOFF.maxMs);
    const endBound = synGap + NEW_SESSION_MS;
    const partitionMs = restored.startedAt - cut.appliedAt;
    // Its k-th retransmission comes about twice as long after the send as the one before: the
    // first after the link returns is at most as long after it as the link was down since the send.
    const witnessBound = restored.appliedAt - witnessSentAt + RTO_MIN_MS;
    const figures = [
      `cut applied in ${cut.appliedAt - cut.startedAt} ms, restored in ${restored.appliedAt - restored.startedAt} ms, partition ${partitionMs} ms`,
      ...windows.map(
        (x) =>
          `window: start ${x.start - cut.startedAt} ms after the cut began (attempt interval ${INTERVAL_MS} ms), end ${Math.round(x.end - restored.startedAt)} ms after the restore began ` +
          `(bound ${endBound} ms: SYN gap ${synGap} + new session ${NEW_SESSION_MS}), ${Math.round(x.durationMs)} ms, ${x.failedAttempts} failed ${JSON.stringify(x.errorClasses)}`,
      ),
      `witness session: answered ${witnessAt - restored.startedAt} ms after the restore, ${witnessAt - witnessSentAt} ms after it was sent (bound ${witnessBound} ms after the restore)`,
      `driver: ${JSON.stringify(result.connections)}, ledgered ${JSON.stringify(result.ledgered)}, abandoned ${result.abandoned}`,
      `verification: confirmed ${verification.confirmed}, lost ${verification.lost}, recovered ${verification.recovered}, not committed ${verification.notCommitted}, failed ${verification.failed}, unexpected ${verification.unexpected}, duplicated ${verification.duplicated}`,
      `soak backends: ${backendsAfterRecovery} after recovery, gone ${backendsGone - stoppedAt} ms after the soak stopped; driver sockets open ${openSockets}`,
    ];
    console.log(`network partition figures:\n${figures.join('\n')}`);

    expect(windows, figures.join('\n')).toHaveLength(1);
    expect(w?.open).toBeUndefined();
    expect(Object.keys(w?.errorClasses ?? {})).toEqual(['timeout']);
    // The cut took effect between startedAt and appliedAt; the first attempt due after it fails.
    expect(w!.start).toBeGreaterThanOrEqual(cut.startedAt - INTERVAL_MS - CLOCK_MS);
    expect(w!.start).toBeLessThanOrEqual(cut.appliedAt + INTERVAL_MS + CLOCK_MS);
    // The link returned after restored.startedAt: measured from there, the end is at most late.
    expect(w!.end).toBeGreaterThan(restored.startedAt);
    expect(w!.end - restored.startedAt).toBeLessThanOrEqual(endBound);
    expect(witnessAt - restored.appliedAt).toBeLessThanOrEqual(witnessBound);
    expect(verification).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0, attempts: result.ledgered.attempts });
    expect(result.abandoned).toBe(0);
    expect(result.connections.peakOpen).toBeLessThanOrEqual(CONNECTIONS);
    expect(backendsAfterRecovery).toBeLessThanOrEqual(CONNECTIONS);
    expect(openSockets).toBe(0);
  });
});
