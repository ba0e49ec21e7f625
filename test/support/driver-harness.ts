import { readdir, readFile, readlink } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import type { LocalServer } from '../../scenarios/providers/index.js';
import type { LedgerFactory } from '../../load/driver/index.js';
import type { AttemptOutcomeKind, LedgerWriter, WriterIdentity } from '../../load/ledger-types.js';
import { openLedgerWriter } from '../../load/ledger-writer.js';
import { ledgerDir } from '../../load/ledger-format.js';
import { registerWriter } from '../../load/writer-registry.js';
import { childPids } from '../../scenarios/replicas/freeze.js';

/** Process ids whose parent is `pid`, from /proc. */
export { childPids };

/** The real file ledger of a run directory, with a writer key registered in the soak schema. */
export function fileLedger(runDir: string, expectedRate?: number): LedgerFactory {
  return async ({ db, schema }) =>
    openLedgerWriter({ dir: ledgerDir(runDir), writer: await registerWriter(db, schema, `test pid ${process.pid}`), run: 'test', expectedRate });
}

/** A ledger kept in memory, for tests that look at outcomes, not files. */
export class MemoryLedger implements LedgerWriter {
  readonly outcomes = new Map<number, AttemptOutcomeKind>();
  readonly reserved = new Set<number>();
  closed = false;
  flushes = 0;

  constructor(readonly writer: WriterIdentity = { writerKey: 7, label: 'memory' }) {}

  beforeSend(seq: number): void {
    this.reserved.add(seq);
  }
  record(seq: number, outcome: AttemptOutcomeKind): void {
    if (this.outcomes.has(seq)) throw new Error(`seq ${seq} recorded twice`);
    if (!this.reserved.has(seq)) throw new Error(`seq ${seq} recorded without beforeSend`);
    this.outcomes.set(seq, outcome);
  }
  async flush(): Promise<void> {
    this.flushes++;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
  count(outcome: AttemptOutcomeKind): number {
    let n = 0;
    for (const o of this.outcomes.values()) if (o === outcome) n++;
    return n;
  }
}

/** Connections of a server whose application_name is `name` (the harness's own admin session excluded). */
export async function connectionsNamed(server: LocalServer, name: string): Promise<number> {
  await using admin = await server.admin();
  const rows = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [name]);
  return rows[0]?.n ?? 0;
}

/**
 * TCP sockets this process holds to `port` in any state but TIME_WAIT (a socket the server closed
 * and we never did shows as CLOSE_WAIT: a leak). From /proc, so it sees what node-postgres hides.
 */
export async function openSocketsTo(port: number): Promise<number> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m?.[1]) inodes.add(m[1]);
  }
  let n = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const remote = f[2];
      const inode = f[9];
      if (!remote || !inode || !inodes.has(inode)) continue;
      if (parseInt(remote.split(':')[1] ?? '', 16) === port) n++;
    }
  }
  return n;
}

/** Schedule lag of a bare timer loop (no work at all) at `rate`, in a child process running alongside. */
export interface TimerBaseline {
  p50: number;
  p99: number;
  max: number;
}

const BASELINE_SCRIPT = `
const [rate, duration] = process.argv.slice(1).map(Number);
const start = performance.now(); const lags = []; let i = 0;
function tick() {
  for (;;) {
    const due = start + (i * 1000) / rate;
    if (due - start >= duration) return done();
    const now = performance.now();
    if (due > now) { setTimeout(tick, due - now); return; }
    lags.push(now - due); i++;
  }
}
function done() {
  lags.sort((a, b) => a - b);
  const q = (p) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0;
  process.stdout.write(JSON.stringify({ p50: q(0.5), p99: q(0.99), max: lags[lags.length - 1] ?? 0 }));
}
tick();
`;

/**
 * The machine's own timer jitter, measured the same way as the driver's schedule lag: what any
 * process gets here (on a shared virtual machine, the host's preemptions put p99 over 2 ms).
 */
export function timerBaseline(rate: number, durationMs: number): Promise<TimerBaseline> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', BASELINE_SCRIPT, String(rate), String(durationMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as TimerBaseline) : reject(new Error(`timer baseline exited with ${code}`))));
  });
}


/**
 * Freezes a server: SIGSTOP to the postmaster (first, so it forks nothing new) and its children.
 * It still accepts TCP connections (the kernel completes them) but never answers. Returns the thaw.
 */
export async function freezeServer(server: LocalServer): Promise<() => void> {
  const postmaster = await server.postmasterPid();
  process.kill(postmaster, 'SIGSTOP');
  const children = await childPids(postmaster);
  for (const pid of children) process.kill(pid, 'SIGSTOP');
  return () => {
    for (const pid of children) process.kill(pid, 'SIGCONT');
    process.kill(postmaster, 'SIGCONT');
  };
}
