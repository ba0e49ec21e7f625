import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scenarios/providers/index.js';

/** Where scripts/moto.sh installs moto_server (CUTOVER_MOTO_DIR, else the default cache). */
export function motoServerPath(): string {
  const base = process.env.CUTOVER_MOTO_DIR ?? (process.getuid?.() === 0 ? '/var/cache/cutover-moto' : join(homedir(), '.cache', 'cutover-moto'));
  const path = join(base, 'moto-5.2.5', 'bin', 'moto_server');
  if (!existsSync(path)) throw new Error(`moto_server is not installed (${path} missing): run scripts/moto.sh first`);
  return path;
}

/** A moto server on loopback, started by the test and stopped by it. */
export interface Moto extends AsyncDisposable {
  endpoint: string;
  port: number;
  /** Dummy credentials the SDK needs; moto accepts any. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  stop(): Promise<void>;
}

/** Starts moto_server on 127.0.0.1 and waits (with a deadline) until it answers. */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn(motoServerPath(), ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return {
    endpoint,
    port,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    region: 'us-east-1',
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
