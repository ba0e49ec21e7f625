import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { hashTextExtended } from '../../validate/pg-hash.js';

/**
 * validate/pg-hash.ts computes what PostgreSQL's hashtextextended does: checked against a real
 * server on texts of every tail length (0 to 40 bytes, ASCII and multi-byte) and seeds of both
 * halves, zero and negative.
 */

let server: LocalServer;
beforeAll(async () => {
  server = await LocalServer.start({ version: '17', name: 'pg-hash' });
});
afterAll(() => server?.close());

describe('hashTextExtended', () => {
  it("equals the server's hashtextextended for every tail length and seed", async () => {
    const texts = ['', 'a', 'ab', 'é', '€uro', '日本語のテキスト', 'x'.repeat(11), 'y'.repeat(12), 'z'.repeat(13)];
    for (let n = 0; n <= 40; n++) texts.push(Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 90))).join(''));
    texts.push('\u00ff\u0080 bytes ≥ 0x80 in every position of a word: ÿÿÿÿÿÿÿÿÿÿÿÿÿÿ');
    const seeds = [0n, 1n, -1n, 42n, (1n << 40n) + 5n, -(1n << 62n)];
    await using db = await server.admin();
    const rows = await db.query<{ t: string; s: string; h: string }>(
      `SELECT t, s::text AS s, hashtextextended(t, s)::text AS h FROM unnest($1::text[]) AS t, unnest($2::int8[]) AS s`,
      [texts, seeds.map(String)],
    );
    expect(rows).toHaveLength(texts.length * seeds.length);
    const mismatches = rows.filter((r) => hashTextExtended(r.t, BigInt(r.s)).toString() !== r.h);
    expect(mismatches).toEqual([]);
  });
});
