import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { jsonbText } from '../../validate/jsonb-text.js';

/** validate/jsonb-text.ts gives the text PostgreSQL shows for a document stored as jsonb: checked against a real server. */

const DOCS = [
  '{"b": 1, "a": [1, 2]}',
  '{"aaa":1,"bb":2,"c":3,"B":4,"é":5,"z":6}',
  '{"dup": 1, "dup": {"x": 2}}',
  '  [ 1.10, 1.5e1, 1.00e1, 1e2, 1.5e-3, 0.0, -0, -0.0, 123e-1, 5E-1, -12.3400, 1e-10, 12345678901234567890.123 ] ',
  '"a string with \\"quotes\\", \\\\ back, \\n new line, \\t tab, \\u00e9, \\u001f and ☃ \u{1F600}"',
  '[true, false, null, {}, [], {"": ""}]',
  '{"nested": {"z": [ {"y": 1, "x": 2} ], "a": null}, "n": -1.0}',
  '{"emoji\u{1F600}": 1, "ab": 2, "é": 3, "f": 4}',
  '3', 'null', '-0.00e-3',
];

let server: LocalServer;
beforeAll(async () => {
  server = await LocalServer.start({ version: '17', name: 'jsonb-text' });
});
afterAll(() => server?.close());

describe('jsonbText', () => {
  it("equals the server's jsonb text: key order and duplicates, spacing, escapes, numbers' scale", async () => {
    await using db = await server.admin();
    const rows = await db.query<{ i: number; t: string }>(`SELECT i::int AS i, d::jsonb::text AS t FROM unnest($1::text[]) WITH ORDINALITY AS u(d, i)`, [DOCS]);
    const mismatches = rows.map((r) => ({ doc: DOCS[r.i - 1] ?? '', pg: r.t })).map((r) => ({ ...r, node: jsonbText(r.doc) })).filter((r) => r.pg !== r.node);
    expect(mismatches).toEqual([]);
  });

  it('refuses what is not JSON, and what jsonb cannot store', () => {
    expect(() => jsonbText('{"a": }')).toThrow(/not JSON: a value expected at character 7/);
    expect(() => jsonbText('{"a": 1} x')).toThrow(/text after the document/);
    expect(() => jsonbText('[01]')).toThrow(SyntaxError);
    expect(() => jsonbText('"\\u0000"')).toThrow(/cannot be stored in jsonb/);
  });
});
