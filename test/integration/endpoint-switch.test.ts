import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { openEndpointSwitch } from '../../scenarios/endpoint-switch/index.js';
import { openSession } from '../../core/session.js';
import type { Endpoint } from '../../core/endpoint.js';

const PASSWORD = 'switch-test-secret';

async function versionAt(endpoint: Endpoint): Promise<number> {
  await using session = await openSession({ ...endpoint, connectTimeoutMs: 5_000 });
  return session.serverVersionNum;
}

describe('endpoint switch, hard cut (TCP proxy)', () => {
  let blue: LocalServer;
  let green: LocalServer;
  beforeAll(async () => {
    [blue, green] = await Promise.all([
      LocalServer.start({ version: '15', password: PASSWORD }),
      LocalServer.start({ version: '17', password: PASSWORD }),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled([blue?.close(), green?.close()]);
  });

  it('forwards, cuts and refuses while blocked, repoints, and lets clients through again', async () => {
    await using sw = await openEndpointSwitch({ style: 'hard', target: blue.endpoint('postgres') });
    expect(sw.style).toBe('hard');
    const through = sw.endpoint('postgres');
    expect(through.host).toBe('127.0.0.1');
    expect(through.port).not.toBe(blue.port);
    expect(Math.floor((await versionAt(through)) / 10_000)).toBe(15);

    await using held = await openSession(through);
    await held.query('SELECT 1');
    await sw.block();
    // The session that was open is cut, and a new one is refused: clients see errors.
    await expect(held.query('SELECT 1')).rejects.toThrow();
    await expect(versionAt(through)).rejects.toThrow();

    await sw.repoint(green.endpoint('postgres'));
    expect(sw.target.port).toBe(green.port);
    await expect(versionAt(through)).rejects.toThrow();
    await sw.resume();
    expect(Math.floor((await versionAt(sw.endpoint('postgres'))) / 10_000)).toBe(17);
  });
});
