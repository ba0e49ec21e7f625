import type { Session } from '../core/session.js';

/** How many dependents of one member object are named (the rest are counted). */
export const USED_BY_LISTED = 5;

/** One member object of an extension (`pg_depend` deptype `e`), as the catalogs describe it. */
export interface ExtensionObject {
  /** `pg_identify_object().type`: `function`, `operator`, `type`, `operator class`, `operator family`, `access method`, `cast`, `table`, `view`… */
  kind: string;
  /** `pg_identify_object().identity`, stable across versions: `public.l2_distance(public.vector,public.vector)`, `public.vector_l2_ops USING hnsw`. */
  identity: string;
  /** What a person compares: a function's arguments (names, defaults) and result, an operator's function, an operator class's family and type… */
  describe: string;
  /** MD5 of everything the object's behaviour hangs on (body, symbol, attributes, members of a family): differs when the update changed it. */
  fp: string;
  /** Objects outside the extension that depend on this one (a column of its type, an index on its operator class, a view calling it), first USED_BY_LISTED. */
  usedBy: string[];
  /** How many there are in all. */
  usedByCount: number;
}

/** One extension in one database and its member objects, sorted by kind then identity. */
export interface ExtensionMembers {
  database: string;
  name: string;
  version: string;
  objects: ExtensionObject[];
}

/** A user index that uses an extension's access method, operator class or type. */
export interface ExtensionIndex {
  database: string;
  /** `schema.index`, quoted where needed. */
  name: string;
  table: string;
  method: string;
  opclasses: string[];
  /** The extensions whose objects it uses. */
  extensions: string[];
  definition: string;
  valid: boolean;
}

// One row per member object. The fingerprint is built per catalog; objects of other catalogs
// (schemas, event triggers, text search objects…) are named, and compared by identity only.
const MEMBERS_SQL = `
WITH m AS (
  SELECT e.oid AS extoid, e.extname, e.extversion, d.classid, d.objid
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
   WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
     AND ($1::text[] IS NULL OR e.extname = ANY ($1::text[]))
     -- A table's or view's row type and a type's array type follow their owner (some versions
     -- record them as members too): the owner is what is listed.
     AND NOT (d.classid = 'pg_catalog.pg_type'::regclass AND EXISTS (
           SELECT 1 FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid
            WHERE t.oid = d.objid
              AND ((t.typrelid <> 0 AND r.relkind <> 'c') OR EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.typarray = t.oid))))
),
described AS (
  SELECT m.*, o.type AS kind, o.identity,
    CASE m.classid
      WHEN 'pg_catalog.pg_proc'::regclass THEN (
        SELECT jsonb_build_array(
                 format('(%s)%s', pg_catalog.pg_get_function_arguments(p.oid), coalesce(' returns ' || pg_catalog.pg_get_function_result(p.oid), '')),
                 concat_ws('|', l.lanname, p.prosrc, p.probin, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef, p.proleakproof, p.proretset, p.proconfig::text))
          FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang WHERE p.oid = m.objid)
      WHEN 'pg_catalog.pg_operator'::regclass THEN (
        SELECT jsonb_build_array(
                 format('%s, returns %s', o2.oprcode::regprocedure, o2.oprresult::regtype),
                 concat_ws('|', o2.oprcom::regoperator, o2.oprnegate::regoperator, o2.oprrest, o2.oprjoin, o2.oprcanmerge, o2.oprcanhash))
          FROM pg_catalog.pg_operator o2 WHERE o2.oid = m.objid)
      WHEN 'pg_catalog.pg_type'::regclass THEN (
        SELECT jsonb_build_array(
                 CASE t.typtype
                   WHEN 'e' THEN format('enum (%s)', (SELECT string_agg(quote_literal(en.enumlabel), ', ' ORDER BY en.enumsortorder) FROM pg_catalog.pg_enum en WHERE en.enumtypid = t.oid))
                   WHEN 'c' THEN format('composite (%s)', (SELECT string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                                            FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))
                   WHEN 'd' THEN format('domain over %s', pg_catalog.format_type(t.typbasetype, t.typtypmod))
                   WHEN 'r' THEN format('range of %s', (SELECT rngsubtype::regtype::text FROM pg_catalog.pg_range WHERE rngtypid = t.oid))
                   ELSE format('base type, %s/%s, length %s', t.typinput, t.typoutput, t.typlen)
                 END,
                 concat_ws('|', t.typtype, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typnotnull,
                           (SELECT string_agg(pg_catalog.pg_get_constraintdef(c.oid), ',' ORDER BY c.conname) FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid)))
          FROM pg_catalog.pg_type t WHERE t.oid = m.objid)
      WHEN 'pg_catalog.pg_opclass'::regclass THEN (
        SELECT jsonb_build_array(
                 format('for %s in family %s%s%s', c.opcintype::regtype, f.opfname, CASE WHEN c.opckeytype <> 0 THEN ', stores ' || c.opckeytype::regtype::text ELSE '' END, CASE WHEN c.opcdefault THEN ', default' ELSE '' END),
                 '')
          FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily WHERE c.oid = m.objid)
      WHEN 'pg_catalog.pg_opfamily'::regclass THEN (
        SELECT jsonb_build_array(
                 format('operators: %s, support functions: %s',
                        (SELECT count(*) FROM pg_catalog.pg_amop ao WHERE ao.amopfamily = m.objid),
                        (SELECT count(*) FROM pg_catalog.pg_amproc ap WHERE ap.amprocfamily = m.objid)),
                 concat_ws('|',
                   (SELECT string_agg(format('%s %s %s', ao.amopstrategy, ao.amopopr::regoperator, ao.amoppurpose), ',' ORDER BY ao.amopstrategy, ao.amopopr::regoperator::text)
                      FROM pg_catalog.pg_amop ao WHERE ao.amopfamily = m.objid),
                   (SELECT string_agg(format('%s %s', ap.amprocnum, ap.amproc::regprocedure), ',' ORDER BY ap.amprocnum, ap.amproc::regprocedure::text)
                      FROM pg_catalog.pg_amproc ap WHERE ap.amprocfamily = m.objid))))
      WHEN 'pg_catalog.pg_am'::regclass THEN (
        SELECT jsonb_build_array(format('%s access method, handler %s', CASE a.amtype WHEN 'i' THEN 'index' WHEN 't' THEN 'table' ELSE a.amtype::text END, a.amhandler), '')
          FROM pg_catalog.pg_am a WHERE a.oid = m.objid)
      WHEN 'pg_catalog.pg_cast'::regclass THEN (
        SELECT jsonb_build_array(
                 format('%s, %s', CASE c.castmethod WHEN 'f' THEN 'with function ' || c.castfunc::regprocedure::text WHEN 'i' THEN 'with inout' ELSE 'without function' END,
                        CASE c.castcontext WHEN 'e' THEN 'explicit' WHEN 'a' THEN 'in assignment' ELSE 'implicit' END),
                 '')
          FROM pg_catalog.pg_cast c WHERE c.oid = m.objid)
      WHEN 'pg_catalog.pg_class'::regclass THEN (
        SELECT jsonb_build_array(
                 (SELECT string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                    FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped),
                 r.relkind::text)
          FROM pg_catalog.pg_class r WHERE r.oid = m.objid)
    END AS facts
    FROM m, LATERAL pg_catalog.pg_identify_object(m.classid, m.objid, 0) o
),
-- Who outside the extension depends on a member: columns, indexes, views, defaults, other
-- extensions. Operator family entries (pg_amop, pg_amproc) are the families' own, not users, and
-- a rule, default, constraint, trigger or index belongs to its relation: one of the extension's
-- own tables or views is not a user either.
deps AS (
  SELECT x.extoid, x.classid AS refclassid, x.objid AS refobjid, u.classid, u.objid, u.objsubid,
         CASE u.classid
           WHEN 'pg_catalog.pg_rewrite'::regclass THEN (SELECT r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.oid = u.objid)
           WHEN 'pg_catalog.pg_attrdef'::regclass THEN (SELECT a.adrelid FROM pg_catalog.pg_attrdef a WHERE a.oid = u.objid)
           WHEN 'pg_catalog.pg_constraint'::regclass THEN (SELECT c.conrelid FROM pg_catalog.pg_constraint c WHERE c.oid = u.objid)
           WHEN 'pg_catalog.pg_trigger'::regclass THEN (SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.oid = u.objid)
           WHEN 'pg_catalog.pg_class'::regclass THEN coalesce((SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = u.objid), u.objid)
         END AS relation
    FROM described x
    JOIN pg_catalog.pg_depend u ON u.refclassid = x.classid AND u.refobjid = x.objid AND u.deptype IN ('n', 'a')
   WHERE u.classid NOT IN ('pg_catalog.pg_amop'::regclass, 'pg_catalog.pg_amproc'::regclass)
),
users AS (
  SELECT dp.extoid, dp.refclassid AS classid, dp.refobjid AS objid, pg_catalog.pg_describe_object(dp.classid, dp.objid, dp.objsubid) AS what
    FROM deps dp
   WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend own
                      WHERE own.refobjid = dp.extoid AND own.deptype = 'e'
                        AND ((own.classid = dp.classid AND own.objid = dp.objid)
                          OR (own.classid = 'pg_catalog.pg_class'::regclass AND own.objid = dp.relation)))
)
SELECT x.extname AS extension, x.extversion AS version, x.kind, x.identity,
       coalesce(x.facts ->> 0, '') AS describe,
       md5(coalesce(x.facts::text, '')) AS fp,
       coalesce((SELECT array_agg(w.what ORDER BY w.what) FROM (
                   SELECT us.what FROM users us WHERE us.extoid = x.extoid AND us.classid = x.classid AND us.objid = x.objid
                   ORDER BY us.what LIMIT ${USED_BY_LISTED}) w), '{}') AS used_by,
       (SELECT count(*) FROM users us WHERE us.extoid = x.extoid AND us.classid = x.classid AND us.objid = x.objid)::int AS used_by_count
  FROM described x
 ORDER BY x.extname, x.kind, x.identity`;

interface MemberRow extends Record<string, unknown> {
  extension: string;
  version: string;
  kind: string;
  identity: string;
  describe: string;
  fp: string;
  used_by: string[];
  used_by_count: number;
}

/**
 * Every member object of the extensions installed in the session's database (or of `names` only),
 * from `pg_depend` (deptype `e`) and the catalogs of each kind. Works on any session, read-only or not.
 */
export async function collectExtensionMembers(db: Session, database: string, names?: readonly string[]): Promise<ExtensionMembers[]> {
  const rows = await db.query<MemberRow>(MEMBERS_SQL, [names ? [...names] : null]);
  const versions = await db.query<{ name: string; version: string }>(
    `SELECT extname AS name, extversion AS version FROM pg_catalog.pg_extension WHERE $1::text[] IS NULL OR extname = ANY ($1::text[]) ORDER BY extname`,
    [names ? [...names] : null],
  );
  const byName = new Map<string, ExtensionMembers>(versions.map((v) => [v.name, { database, name: v.name, version: v.version, objects: [] }]));
  for (const r of rows) {
    byName.get(r.extension)?.objects.push({ kind: r.kind, identity: r.identity, describe: r.describe, fp: r.fp, usedBy: r.used_by, usedByCount: r.used_by_count });
  }
  return [...byName.values()];
}

const INDEXES_SQL = `
WITH member AS (
  SELECT d.classid, d.objid, e.extname
    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
   WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
),
ix AS (
  SELECT format('%I.%I', n.nspname, c.relname) AS name, format('%I.%I', tn.nspname, t.relname) AS "table", am.amname AS method,
         ARRAY(SELECT format('%I.%I', cn.nspname, oc.opcname)
                 FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(oid, ord)
                 JOIN pg_catalog.pg_opclass oc ON oc.oid = k.oid JOIN pg_catalog.pg_namespace cn ON cn.oid = oc.opcnamespace
                ORDER BY k.ord) AS opclasses,
         ARRAY(SELECT DISTINCT x.extname::text FROM member x
                WHERE (x.classid = 'pg_catalog.pg_am'::regclass AND x.objid = am.oid)
                   OR (x.classid = 'pg_catalog.pg_opclass'::regclass AND x.objid = ANY (i.indclass::oid[]))
                   OR (x.classid = 'pg_catalog.pg_type'::regclass AND x.objid IN (SELECT a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indexrelid))
                ORDER BY 1) AS extensions,
         pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_class t ON t.oid = i.indrelid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
    JOIN pg_catalog.pg_am am ON am.oid = c.relam
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
     AND NOT EXISTS (SELECT 1 FROM member x WHERE x.classid = 'pg_catalog.pg_class'::regclass AND x.objid = i.indrelid)
)
SELECT * FROM ix WHERE cardinality(extensions) > 0 ORDER BY name`;

/** User indexes that use an extension's access method, operator class or type (tables of extensions themselves excluded). */
export async function collectExtensionIndexes(db: Session, database: string): Promise<ExtensionIndex[]> {
  const rows = await db.query<Omit<ExtensionIndex, 'database'> & Record<string, unknown>>(INDEXES_SQL);
  return rows.map((r) => ({ database, name: r.name, table: r.table, method: r.method, opclasses: r.opclasses, extensions: r.extensions, definition: r.definition, valid: r.valid }));
}
