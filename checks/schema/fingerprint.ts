import { createHash } from 'node:crypto';

/**
 * Hex digits kept of each sha256: 64 bits tell a changed definition from an unchanged one with
 * no practical chance of collision, at a quarter of the snapshot size of a full digest.
 */
const FINGERPRINT_LENGTH = 16;

/** Collapses whitespace and drops a trailing semicolon, so layout alone never counts as a change. */
export function normaliseSql(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().replace(/\s*;$/, '');
}

/** A short sha256 of the parts of an object's definition (strings are normalised first). */
export function fingerprint(...parts: unknown[]): string {
  const normalised = parts.map((p) => (typeof p === 'string' ? normaliseSql(p) : p ?? null));
  return createHash('sha256').update(JSON.stringify(normalised)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/** A qualifier: a plain or quoted identifier followed by a dot and another identifier. */
const QUALIFIER = /(?:"(?:[^"]|"")+"|\b[A-Za-z_][A-Za-z0-9_$]*)\.(?=["A-Za-z_])/g;

/**
 * Deparsed SQL (pg_get_viewdef, pg_get_function_sqlbody) without qualifiers, for fingerprints
 * that hold across majors: from 16 on, columns of a single-relation query are no longer
 * prefixed with the relation's name (`orders.total` became `total`). Dropping every qualifier
 * on both sides means a change of qualification alone is not seen; any other change is.
 */
export function unqualified(deparsed: string | null | undefined): string {
  return (deparsed ?? '').replace(QUALIFIER, '');
}
