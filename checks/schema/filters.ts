/**
 * SQL conditions shared by the schema collectors: what counts as a user object. System schemas,
 * other sessions' temporary schemas and objects that belong to an extension are left out, since
 * the extensions check covers those and they are recreated by the extension itself.
 */

/** True for a user schema; `n` is the pg_namespace alias. */
export function userSchema(n: string): string {
  return `${n}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${n}.nspname !~ '^pg_(toast_)?temp_'`;
}

/** True when the object is not a member of an extension (pg_depend deptype 'e'). */
export function notExtensionMember(catalog: 'pg_class' | 'pg_proc', oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
}

/** A user relation: user schema, not temporary, not owned by an extension; `c`/`n` are aliases. */
export function userRelation(c: string, n: string): string {
  return `${userSchema(n)} AND ${c}.relpersistence <> 't' AND ${notExtensionMember('pg_class', `${c}.oid`)}`;
}
