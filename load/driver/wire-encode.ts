import { createRequire } from 'node:module';

/**
 * Frontend messages of the extended query protocol, encoded straight into one buffer per
 * statement: the hot path of the driver (see wire-session.ts for why it speaks the protocol
 * itself). Values are sent in text format as node-postgres would prepare them (dates, arrays and
 * objects included); Buffers go in binary format.
 */
const require = createRequire(import.meta.url);
const { prepareValue } = require('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);
/** Execute of the unnamed portal, all rows. */
const EXECUTE = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);

/** Parse: names a statement on this connection (parameter types left to the server). */
export function encodeParse(name: string, sql: string): Buffer {
  const nameLen = Buffer.byteLength(name);
  const sqlLen = Buffer.byteLength(sql);
  const length = 4 + nameLen + 1 + sqlLen + 1 + 2;
  const b = Buffer.allocUnsafe(1 + length);
  b[0] = 0x50;
  b.writeInt32BE(length, 1);
  let o = 5 + b.write(name, 5);
  b[o++] = 0;
  o += b.write(sql, o);
  b[o++] = 0;
  b.writeInt16BE(0, o);
  return b;
}

/** Bind (unnamed portal) + Execute + Sync: one statement, its own transaction in autocommit. */
export function encodeBindExecuteSync(statement: string, values: readonly unknown[]): Buffer {
  const prepared: (string | Buffer | null)[] = new Array(values.length);
  let binary = false;
  let valuesLen = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const p = typeof v === 'string' ? v : v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : (prepareValue(v) as string | Buffer | null);
    prepared[i] = p;
    if (Buffer.isBuffer(p)) binary = true;
    valuesLen += 4 + (p === null ? 0 : typeof p === 'string' ? Buffer.byteLength(p) : p.length);
  }
  const nameLen = Buffer.byteLength(statement);
  const formatsLen = binary ? 2 * values.length : 0;
  const length = 4 + 1 + nameLen + 1 + 2 + formatsLen + 2 + valuesLen + 2;
  const b = Buffer.allocUnsafe(1 + length + EXECUTE.length + SYNC.length);
  b[0] = 0x42;
  b.writeInt32BE(length, 1);
  let o = 5;
  b[o++] = 0; // unnamed portal
  o += b.write(statement, o);
  b[o++] = 0;
  b.writeInt16BE(binary ? values.length : 0, o);
  o += 2;
  if (binary) {
    for (const p of prepared) {
      b.writeInt16BE(Buffer.isBuffer(p) ? 1 : 0, o);
      o += 2;
    }
  }
  b.writeInt16BE(values.length, o);
  o += 2;
  for (const p of prepared) {
    if (p === null) {
      b.writeInt32BE(-1, o);
      o += 4;
    } else if (typeof p === 'string') {
      const n = b.write(p, o + 4);
      b.writeInt32BE(n, o);
      o += 4 + n;
    } else {
      b.writeInt32BE(p.length, o);
      p.copy(b, o + 4);
      o += 4 + p.length;
    }
  }
  b.writeInt16BE(0, o); // results in text format
  o += 2;
  EXECUTE.copy(b, o);
  SYNC.copy(b, o + EXECUTE.length);
  return b;
}

/** Terminate: the polite goodbye. */
export const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);
