import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LocalServer } from '../../scenarios/providers/index.js';
import { waitFor } from '../support/lab.js';
import { acceptsConnections as accepts } from '../support/net.js';

describe('LocalServer (embedded provider)', () => {
  it('runs several versions side by side on free loopback ports, as an unprivileged user when root', async () => {
    await using a = await LocalServer.start({ version: '15' });
    await using b = await LocalServer.start({ version: '17' });
    expect(a.port).not.toBe(b.port);
    await using sa = await a.admin();
    await using sb = await b.admin();
    expect(sa.serverVersionNum).toBeGreaterThanOrEqual(150000);
    expect(sa.serverVersionNum).toBeLessThan(160000);
    expect(sb.serverVersionNum).toBeGreaterThanOrEqual(170000);
    const [dir] = await sb.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`);
    expect(dir?.d).toBe(b.dataDir);
    // PostgreSQL refuses to run as root; the provider runs it as another user when we are root.
    const status = readFileSync(`/proc/${await b.postmasterPid()}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).not.toBe(0);
    if (process.getuid?.() !== 0) expect(uid).toBe(process.getuid?.());
  });

  it('close() is idempotent, stops the server and removes its directory', async () => {
    const server = await LocalServer.start({ version: '17' });
    const { port, baseDir } = server;
    await Promise.all([server.close(), server.close()]);
    await server.close();
    expect(await accepts(port)).toBe(false);
    expect(existsSync(baseDir)).toBe(false);
  });

  it('restarts the same data directory on other binaries (a minor-version restart)', async () => {
    await using server = await LocalServer.start({ version: '16.4' });
    {
      await using db = await server.admin();
      await db.query('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    }
    await server.restart({ version: '16' });
    await using db = await server.admin();
    expect(db.serverVersionNum).toBe(160014);
    expect(await db.query('SELECT x FROM kept')).toEqual([{ x: 42 }]);
  });

  it('leaves no orphan server when the process that started it is SIGKILLed', async () => {
    const script = fileURLToPath(new URL('../fixtures/scripts/start-server-and-wait.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '17'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const started = await waitFor(async () => (out.includes('\n') ? (JSON.parse(out.split('\n')[0] as string) as { port: number; baseDir: string }) : undefined), 'the child to start its server', 60_000);
    expect(await accepts(started.port)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(async () => !(await accepts(started.port)), 'the watchdog to stop the orphaned server', 30_000);
    await waitFor(async () => !existsSync(started.baseDir), 'the watchdog to remove the data directory', 30_000);
  });
});
