import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { toClientConfig } from '../../core/client-config.js';
import { NOT_QUERYABLE, WireSession } from '../../load/driver/wire-session.js';
import { waitFor } from '../support/lab.js';

/** The driver's own protocol path, statement by statement, against a real PostgreSQL 17. */
describe('WireSession', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await LocalServer.start({ version: '17', name: 'wire' });
    await using admin = await server.admin();
    await admin.query('CREATE TABLE t (id bigint, note text)');
  });
  afterAll(async () => {
    await server?.close();
  });

  async function open(): Promise<{ session: WireSession; client: pg.Client }> {
    const client = new pg.Client({ ...toClientConfig(server.endpoint(), false), application_name: 'wire-test' });
    client.on('error', () => {});
    await client.connect();
    return { session: new WireSession(client), client };
  }

  /** Sends statements back to back (pipelined) and collects how each ended. */
  function send(session: WireSession, statements: [string, string, unknown[]][]): Promise<(Error | undefined)[]> {
    return Promise.all(statements.map(([name, text, values]) => new Promise<Error | undefined>((resolve) => session.query({ name, text }, values, { reply: (e) => resolve(e as Error | undefined) }))));
  }

  it('pipelines statements, each its own transaction: an error fails only its statement', async () => {
    const { session } = await open();
    const insert = 'INSERT INTO t (id, note) VALUES ($1, $2)';
    const replies = await send(session, [
      ['ins', insert, ['1', 'first']],
      ['div', 'SELECT 1 / $1::int', [0]],
      ['ins', insert, ['2', null]],
      ['ins', insert, [3n, { json: true }]],
    ]);
    expect(replies[0]).toBeUndefined();
    expect(replies[1]).toBeInstanceOf(pg.DatabaseError);
    expect(replies[1]).toMatchObject({ code: '22012', severity: 'ERROR' });
    expect(replies[2]).toBeUndefined();
    expect(replies[3]).toBeUndefined();
    // The statement that failed when executed was parsed all the same: it runs again without a new Parse.
    const [again] = await send(session, [['div', 'SELECT 1 / $1::int', [1]]]);
    expect(again).toBeUndefined();
    await using admin = await server.admin();
    expect(await admin.query('SELECT id::int, note FROM t ORDER BY id')).toEqual([
      { id: 1, note: 'first' },
      { id: 2, note: null },
      { id: 3, note: '{"json":true}' },
    ]);
    await session.end(1000);
    expect(session.closed).toBe(true);
  });

  it('reports a statement that does not parse, and parses it again next time', async () => {
    const { session } = await open();
    const [bad] = await send(session, [['bad', 'SELEC 1', []]]);
    expect(bad).toMatchObject({ code: '42601' });
    const [again, good] = await send(session, [
      ['bad', 'SELEC 1', []],
      ['good', 'SELECT $1::text', ['x']],
    ]);
    expect(again).toMatchObject({ code: '42601' });
    expect(good).toBeUndefined();
    await session.end(1000);
  });

  it('reads replies split across many packets (large rows)', async () => {
    const { session } = await open();
    const replies = await send(session, [
      ['big', `SELECT repeat('x', 200000) FROM generate_series(1, 20)`, []],
      ['one', 'SELECT 1', []],
    ]);
    expect(replies).toEqual([undefined, undefined]);
    await session.end(1000);
  });

  it('fails every pending statement exactly once when the server ends the session, the one in progress with its FATAL', async () => {
    const { session, client } = await open();
    const replies: (Error | undefined)[][] = [[], [], []];
    const statements: [string, string][] = [
      ['sleep', 'SELECT pg_sleep(30)'],
      ['one', 'SELECT 1'],
      ['two', 'SELECT 2'],
    ];
    statements.forEach(([name, text], i) => session.query({ name, text }, [], { reply: (e) => replies[i]?.push(e as Error | undefined) }));
    const pid = (client as unknown as { processID: number }).processID;
    await using admin = await server.admin();
    await waitFor(async () => (await admin.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]))[0]?.state === 'active', 'the sleep to start');
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(async () => replies.every((r) => r.length > 0), 'every statement to end');
    expect(replies.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(replies[0]?.[0]).toMatchObject({ code: '57P01', severity: 'FATAL' });
    expect(replies[1]?.[0]?.message).toMatch(/Connection terminated/);
    expect(replies[2]?.[0]?.message).toMatch(/Connection terminated/);
    expect(session.closed).toBe(true);
    const [after] = await send(session, [['one', 'SELECT 1', []]]);
    expect(after?.message).toBe(NOT_QUERYABLE);
  });
});
