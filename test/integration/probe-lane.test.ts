import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { ProbeLane } from '../../load/probe-lane.js';
import type { AttemptOutcome } from '../../load/outages.js';
import type { Endpoint } from '../../core/endpoint.js';
import { waitFor } from '../support/lab.js';

/**
 * The probe lane on its own connections (load/probe-clients.ts, opened by connectClient like every
 * connection): with libpq's default sslmode against a server without TLS it answers (issue 13: it
 * used the first TLS attempt only, so `prefer` never fell back), it sees a stopped server as
 * refused, and it recovers on its own once the server is back.
 */

let server: LocalServer;

beforeAll(async () => {
  server = await LocalServer.start({ version: '17', name: 'probe-lane' });
});

afterAll(async () => {
  await server?.close();
});

/** The endpoint as a user's URL resolves it: sslmode prefer, libpq's default. */
const userEndpoint = (): Endpoint => ({ ...server.endpoint(), sslmode: 'prefer' });

describe('probe lane', () => {
  it('answers with sslmode=prefer against a server without TLS', async () => {
    await using lane = new ProbeLane({ endpoint: userEndpoint(), intervalMs: 10 });
    lane.start();
    await waitFor(() => Promise.resolve(lane.outcomes().filter((o) => o.ok).length >= 20), '20 successful probes', 10_000);
    const outcomes = await lane.stop();
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });

  it('counts a stopped server as refused, then recovers by itself', async () => {
    const seen: AttemptOutcome[] = [];
    await using lane = new ProbeLane({ endpoint: userEndpoint(), intervalMs: 10, timeoutMs: 500, keep: false, onOutcome: (o) => seen.push(o) });
    lane.start();
    await waitFor(() => Promise.resolve(seen.some((o) => o.ok)), 'a first successful probe', 10_000);
    await server.stop('fast');
    await waitFor(() => Promise.resolve(seen.filter((o) => o.errorClass === 'refused').length >= 5), 'refused probes while the server is down', 10_000);
    const failed = seen.filter((o) => !o.ok);
    // Sessions cut by the shutdown, then refused connections; each failure says so in words.
    for (const o of failed) expect(o.message, JSON.stringify(o)).toBeTruthy();
    expect(failed.at(-1)?.message).toMatch(/cannot connect to postgres@127\.0\.0\.1:\d+\/postgres/);
    const beforeRestart = seen.length;
    await server.start();
    await waitFor(() => Promise.resolve(seen.slice(beforeRestart).filter((o) => o.ok).length >= 10), 'probes to succeed again', 15_000);
    const stopped = Date.now();
    await lane.stop();
    expect(Date.now() - stopped).toBeLessThan(2_000);
  });
});
