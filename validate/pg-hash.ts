/**
 * PostgreSQL's `hash_bytes_extended` (src/common/hashfn.c: Bob Jenkins' lookup3, with a 64-bit
 * seed), as computed on a little-endian server, in TypeScript: the value `hashtextextended(t,
 * seed)` returns for a text under a deterministic collation (its UTF-8 bytes hashed). A source
 * that is not PostgreSQL (a SQLite file) hashes its rows' canonical text with it, so that its
 * digests compare with those PostgreSQL computes of the same text.
 */

const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

interface State {
  a: number;
  b: number;
  c: number;
}

function mix(s: State): void {
  s.a = (s.a - s.c) >>> 0; s.a = (s.a ^ rot(s.c, 4)) >>> 0; s.c = (s.c + s.b) >>> 0;
  s.b = (s.b - s.a) >>> 0; s.b = (s.b ^ rot(s.a, 6)) >>> 0; s.a = (s.a + s.c) >>> 0;
  s.c = (s.c - s.b) >>> 0; s.c = (s.c ^ rot(s.b, 8)) >>> 0; s.b = (s.b + s.a) >>> 0;
  s.a = (s.a - s.c) >>> 0; s.a = (s.a ^ rot(s.c, 16)) >>> 0; s.c = (s.c + s.b) >>> 0;
  s.b = (s.b - s.a) >>> 0; s.b = (s.b ^ rot(s.a, 19)) >>> 0; s.a = (s.a + s.c) >>> 0;
  s.c = (s.c - s.b) >>> 0; s.c = (s.c ^ rot(s.b, 4)) >>> 0; s.b = (s.b + s.a) >>> 0;
}

function final(s: State): void {
  s.c = (s.c ^ s.b) >>> 0; s.c = (s.c - rot(s.b, 14)) >>> 0;
  s.a = (s.a ^ s.c) >>> 0; s.a = (s.a - rot(s.c, 11)) >>> 0;
  s.b = (s.b ^ s.a) >>> 0; s.b = (s.b - rot(s.a, 25)) >>> 0;
  s.c = (s.c ^ s.b) >>> 0; s.c = (s.c - rot(s.b, 16)) >>> 0;
  s.a = (s.a ^ s.c) >>> 0; s.a = (s.a - rot(s.c, 4)) >>> 0;
  s.b = (s.b ^ s.a) >>> 0; s.b = (s.b - rot(s.a, 14)) >>> 0;
  s.c = (s.c ^ s.b) >>> 0; s.c = (s.c - rot(s.b, 24)) >>> 0;
}

const word = (k: Uint8Array, i: number): number => ((k[i] ?? 0) | ((k[i + 1] ?? 0) << 8) | ((k[i + 2] ?? 0) << 16) | ((k[i + 3] ?? 0) << 24)) >>> 0;

/** `hash_bytes_extended(k, length, seed)` as a signed 64-bit integer (what SQL's int8 shows). */
export function hashBytesExtended(k: Uint8Array, seed: bigint): bigint {
  let len = k.length;
  const init = (0x9e3779b9 + len + 3923095) >>> 0;
  const s: State = { a: init, b: init, c: init };
  const unsignedSeed = BigInt.asUintN(64, seed);
  if (unsignedSeed !== 0n) {
    s.a = (s.a + Number(unsignedSeed >> 32n)) >>> 0;
    s.b = (s.b + Number(unsignedSeed & 0xffffffffn)) >>> 0;
    mix(s);
  }
  let i = 0;
  while (len >= 12) {
    s.a = (s.a + word(k, i)) >>> 0;
    s.b = (s.b + word(k, i + 4)) >>> 0;
    s.c = (s.c + word(k, i + 8)) >>> 0;
    mix(s);
    i += 12;
    len -= 12;
  }
  // The last 11 bytes; the lowest byte of c is reserved for the length.
  const byte = (j: number): number => k[i + j] ?? 0;
  /* eslint-disable no-fallthrough -- lookup3's tail: each case adds its byte and falls through to the shorter ones */
  switch (len) {
    case 11:
      s.c = (s.c + (byte(10) << 24)) >>> 0;
    case 10:
      s.c = (s.c + (byte(9) << 16)) >>> 0;
    case 9:
      s.c = (s.c + (byte(8) << 8)) >>> 0;
    case 8:
      s.b = (s.b + (byte(7) << 24)) >>> 0;
    case 7:
      s.b = (s.b + (byte(6) << 16)) >>> 0;
    case 6:
      s.b = (s.b + (byte(5) << 8)) >>> 0;
    case 5:
      s.b = (s.b + byte(4)) >>> 0;
    case 4:
      s.a = (s.a + (byte(3) << 24)) >>> 0;
    case 3:
      s.a = (s.a + (byte(2) << 16)) >>> 0;
    case 2:
      s.a = (s.a + (byte(1) << 8)) >>> 0;
    case 1:
      s.a = (s.a + byte(0)) >>> 0;
  }
  /* eslint-enable no-fallthrough */
  final(s);
  return BigInt.asIntN(64, (BigInt(s.b) << 32n) | BigInt(s.c));
}

const encoder = new TextEncoder();
/** Reused for every text hashed (a row at a time: no allocation per row), grown as needed. */
let scratch = new Uint8Array(4096);

/** `hashtextextended(text, seed)` under a deterministic collation, on a UTF-8 database. */
export function hashTextExtended(text: string, seed: bigint): bigint {
  // Three bytes per UTF-16 unit at most.
  if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return hashBytesExtended(scratch.subarray(0, written), seed);
}
