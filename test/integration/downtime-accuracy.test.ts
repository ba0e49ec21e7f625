import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { LocalServer } from '../../scenarios/providers/index.js';
import { CLI, cleanEnv } from '../support/run-cli.js';
import { crashFor, freezeFor, terminateAll, LOG_CLOCK_SETTINGS, type InjectedOutage } from '../support/faults.js';
import type { SoakSummary } from '../../load/analysis/soak-summary.js';

/**
 * Downtime accuracy (issue 4's acceptance): outages of known length are injected into a real
 * PostgreSQL 17 while two soaks run against it, one at 50 and one at 500 attempts/s, each with
 * its figures from its own attempts only (--no-probe). Every measured outage must be within
 * (attempt interval + 50 ms) of the injected one, with exactly one window per injected outage.
 *
 * What "injected length" means here (test/support/faults.ts): from the instant the server stops
 * serving (the postmaster's own log line "received immediate shutdown request", ms timestamps,
 * for a crash; the first SIGSTOP for a freeze; the lock or the terminate statement for the
 * terminations) to the instant an ideal client gets an answer again: a client with a session
 * before the fault that queries the soak's table from the start of the fault, and reconnects 2 ms
 * after each failure once its session is gone. After a crash every client pays a new session
 * (fork, SCRAM, and a relation cache rebuilt after recovery): the server's "ready to accept
 * connections" comes 25-100 ms before the ideal client's answer on a two-core machine.
 *
 * Terminating idle sessions is the one fault a pool may hide: it reconnects its connections in
 * parallel, so the soak sees anything from no failure at all to one window as long as the ideal
 * client's reconnection. There the test asks for at most one window, never longer than the
 * injected length plus the tolerance.
 */

const RATES = [50, 500] as const;
const tolerance = (rate: number) => 1000 / rate + 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-downtime-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface RunningSoak {
  rate: number;
  running: Promise<void>;
  stop(): void;
  result: Promise<{ code: number | null; summary: SoakSummary; stderr: string }>;
}

/** `cutover soak` at `rate` until stopped (Ctrl-C), printing the --json contract at the end. */
function startSoak(server: LocalServer, rate: number, runDir: string): RunningSoak {
  const url = `postgresql://postgres:${server.password}@127.0.0.1:${server.port}/postgres`;
  const child = spawn(process.execPath, [CLI, 'soak', '--db', url, '--rate', String(rate), '--duration', '10m', '--no-probe', '--json', '--run-dir', runDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const running = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('soak: load running')) resolve();
    });
    child.on('close', () => reject(new Error(`soak at ${rate}/s ended before its load ran:\n${stderr}`)));
  });
  running.catch(() => {});
  const result = new Promise<{ code: number | null; summary: SoakSummary; stderr: string }>((resolve, reject) => {
    child.on('close', (code) => {
      try {
        resolve({ code, summary: JSON.parse(stdout.trim().split('\n').pop() ?? '') as SoakSummary, stderr });
      } catch {
        reject(new Error(`soak at ${rate}/s printed no JSON (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
  return { rate, running, stop: () => child.kill('SIGINT'), result };
}

/**
 * Starts a server and the two soaks, injects the faults in order with a quiet gap between them,
 * stops the soaks and returns each soak's summary and the injected outages.
 */
async function measure(name: string, inject: ((server: LocalServer) => Promise<InjectedOutage>)[]) {
  await using server = await LocalServer.start({ version: '17', name, settings: { ...LOG_CLOCK_SETTINGS } });
  const soaks: RunningSoak[] = [];
  try {
    // One after the other: two soaks creating the same new schema at the same instant race in
    // CREATE ... IF NOT EXISTS (a known issue of the workload setup, not what is measured here).
    for (const rate of RATES) {
      const soak = startSoak(server, rate, join(work, `${name}-${rate}`));
      soaks.push(soak);
      await soak.running;
    }
    const injected: InjectedOutage[] = [];
    for (const fault of inject) {
      // A quiet second before each fault: the window must open after a success.
      await sleep(1_000);
      injected.push(await fault(server));
    }
    await sleep(1_000);
    for (const s of soaks) s.stop();
    const results = await Promise.all(soaks.map((s) => s.result));
    return { injected, results: results.map((r, i) => ({ ...r, rate: RATES[i] as number })) };
  } finally {
    for (const s of soaks) s.stop();
  }
}

/**
 * The windows of a soak that overlap an injected outage, with 300 ms of slack each side (faults
 * are a second apart, and an edge further off than the slack fails the tolerance anyway).
 */
function windowsOf(summary: SoakSummary, inj: InjectedOutage): SoakSummary['outages'] {
  return summary.outages.filter((w) => Date.parse(w.end) >= inj.start - 300 && Date.parse(w.start) <= inj.end + 300);
}

const figures: string[] = [];

/** How a fault's measurement is judged: `exact` (one window, within tolerance) or `at-most` (see the file comment). */
type Expectation = 'exact' | 'at-most';

/** Every injected outage against the windows of each soak, and no window elsewhere. */
function check(injected: InjectedOutage[], results: { rate: number; code: number | null; summary: SoakSummary; stderr: string }[], expectation: (i: InjectedOutage) => Expectation): void {
  for (const r of results) {
    // Ctrl-C: the load drains, the ledger is verified, the contract printed; the exit code says interrupted.
    expect(r.code, r.stderr).toBe(130);
    expect(r.summary).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0, resolutionMs: 1000 / r.rate });
    let matched = 0;
    for (const inj of injected) {
      const windows = windowsOf(r.summary, inj);
      const measured = windows.reduce((s, w) => s + w.durationMs, 0);
      const edges = windows[0] ? `, start ${Date.parse(windows[0].start) - inj.start} ms, end ${Date.parse(windows[0].end) - inj.end} ms from the injected edges` : '';
      const line = `${r.rate}/s  ${inj.kind}: injected ${inj.lengthMs} ms (server released ${inj.end - inj.releasedAt} ms before the ideal client's answer), measured ${measured} ms in ${windows.length} window(s), difference ${measured - inj.lengthMs} ms (tolerance ${tolerance(r.rate)} ms)${edges}`;
      figures.push(line);
      matched += windows.length;
      if (expectation(inj) === 'exact') {
        expect.soft(windows.length, line).toBe(1);
        expect.soft(Math.abs(measured - inj.lengthMs), line).toBeLessThanOrEqual(tolerance(r.rate));
      } else {
        expect.soft(windows.length, line).toBeLessThanOrEqual(1);
        expect.soft(measured - inj.lengthMs, line).toBeLessThanOrEqual(tolerance(r.rate));
      }
    }
    // No window anywhere else: the soak saw nothing but the injected outages.
    expect.soft(r.summary.outages.length, JSON.stringify(r.summary.outages)).toBe(matched);
  }
}

afterAll(() => {
  if (figures.length) console.log(`downtime accuracy figures:\n${figures.join('\n')}`);
});

describe('downtime accuracy: measured outages against injected ones, at 50 and 500 attempts/s', () => {
  // One server and one pair of soaks for every fault, in sequence: on two cores, a second pair
  // running at the same time slows reconnections by tens of milliseconds at random, which is
  // the order of the tolerance being tested.
  it('a server stopped with immediate for 1, 3 and 8 s, frozen with SIGSTOP for 2 s, and every session terminated', async () => {
    let idleTermination: InjectedOutage | undefined;
    const { injected, results } = await measure('faults', [
      (s) => crashFor(s, 1_000),
      (s) => crashFor(s, 3_000),
      (s) => crashFor(s, 8_000),
      (s) => freezeFor(s, 2_000),
      async (s) => {
        const t = await terminateAll(s);
        // The soaks' sessions (at least one each) were among those terminated.
        expect(t.terminated).toBeGreaterThanOrEqual(2);
        idleTermination = t;
        return t;
      },
      (s) => terminateAll(s, { inFlightMs: 200 }),
    ]);
    check(injected, results, (i) => (i === idleTermination ? 'at-most' : 'exact'));
  });
});
