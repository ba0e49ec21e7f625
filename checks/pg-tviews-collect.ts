import { errorLine } from '../core/errors.js';
import type { Session } from '../core/session.js';
import { countRows, refreshRolledBack } from './pg-tviews-rows.js';

/**
 * What the pg_tviews check reads, per API generation. Based on the public pg_tviews sources
 * (github.com/fraiseql/pg_tviews): `sql/pg_tviews--0.1.0.sql` and `src/metadata.rs` for
 * generation 1, and `sql/pg_tviews--0.1.0-beta.27--0.1.0-beta.28.sql`, `src/revision.rs`,
 * `src/health.rs` and `docs/reference/read-contract.md` for generation 2.
 *
 * - Generation 1 (every release up to 0.1.0-beta.19, all installed as version `0.1.0`): the
 *   objects live in the extension's install schema (whatever was first on search_path, usually
 *   `public`): table `pg_tview_meta` (entity, view_oid, table_oid, definition, …),
 *   `pg_tviews_health_check()` and `pg_tviews_version()`.
 * - Generation 2 (0.1.0-beta.20 on): fixed schema `tviews`, the view `tviews.registry` (one row
 *   per TVIEW: schema, name, entity, …, needs_reregister; readable by every role),
 *   `tviews.pg_tviews_catalog_revision()`, `tviews.contract_version()`,
 *   `tviews.pg_tviews_health_check()` and `tviews.pg_tviews_version()`.
 *
 * Both health checks return (status, component, message, severity) rows, severity `info`,
 * `warning` or `error`.
 */
export interface TviewRegistration {
  entity: string;
  /** Schema and name of the TVIEW's table; null when the table no longer exists. */
  schema: string | null;
  name: string | null;
  /** A release changed what registration derives: `pg_tviews_reregister_all()` is due. */
  needsReregister: boolean;
  tableMissing: boolean;
  viewMissing: boolean;
  /** The backing view (what the TVIEW materialises), as `regclass` text; null when unknown. */
  view?: string | null;
  /** Rows of the TVIEW's table and of its backing view, counted in one statement (one snapshot). */
  rows?: number | null;
  sourceRows?: number | null;
  /** The TVIEW's rows differ from its query's (digests over the query's columns), counts aside. */
  contentsDiffer?: boolean;
  /** Why the rows could not be counted. */
  rowsError?: string;
  /** `pg_tviews_refresh()` in a transaction rolled back, when the configuration asks for it. */
  refresh?: { ok: boolean; ms: number; error?: string };
}

/** Health rows that are known and harmless: pg_tviews warns that its optional companion jsonb_delta is absent. */
export function knownHealthRow(row: HealthRow): boolean {
  return row.component === 'jsonb_delta' && healthLevel(row) === 'warning';
}

/** An error of a server whose installation lacks the pg_tviews library (`could not access file "$libdir/pg_tviews"`). */
export function libraryMissingError(message: string): boolean {
  return /could not (access|load) file "[^"]*pg_tviews[^"]*"/.test(message);
}

export interface HealthRow {
  status: string;
  component: string;
  message: string;
  severity: string;
}

/** Something the check could not read in one database; reported as a finding, never thrown. */
export interface TviewsProblem {
  what: 'version' | 'catalog-revision' | 'contract-version' | 'registrations' | 'health-check';
  message: string;
}

export interface PgTviewsDatabase {
  database: string;
  generation: 1 | 2;
  /** The install schema (`tviews` for generation 2). */
  schema: string;
  /** `pg_extension.extversion`; null when the objects exist without an extension (a partial restore). */
  extensionVersion: string | null;
  /** What the loaded library says (`pg_tviews_version()`). */
  libraryVersion: string | null;
  /** Generation 2 only. */
  catalogRevision: number | null;
  contractVersion: number | null;
  registrations: TviewRegistration[];
  /** Rows of the health check above `info` (the known jsonb_delta warning aside); `healthRows` counts all of them. */
  unhealthy: HealthRow[];
  /** Known, harmless rows above `info` (jsonb_delta not installed). */
  known?: HealthRow[];
  /** The server cannot load the library (its installation lacks it): every call into it fails. */
  libraryMissing?: boolean;
  healthRows: number | null;
  problems: TviewsProblem[];
}

/** Finds pg_tviews in one database and reads it; undefined when it is not there. */
export async function readTviews(db: Session, database: string, options: { refresh?: boolean } = {}): Promise<PgTviewsDatabase | undefined> {
  const found = await locate(db);
  if (!found) return undefined;
  const { generation, schema } = found;
  const q = quoteIdentifier(schema);
  const problems: TviewsProblem[] = [];
  const attempt = async <T>(what: TviewsProblem['what'], read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      problems.push({ what, message: errorLine(error) || String(error) });
      return undefined;
    }
  };

  const libraryVersion = (await functionExists(db, schema, 'pg_tviews_version'))
    ? ((await attempt('version', async () => (await db.query<{ v: string }>(`SELECT ${q}.pg_tviews_version() AS v`))[0]?.v)) ?? null)
    : null;
  let catalogRevision: number | null = null;
  let contractVersion: number | null = null;
  if (generation === 2) {
    if (await functionExists(db, schema, 'pg_tviews_catalog_revision')) {
      catalogRevision = (await attempt('catalog-revision', () => scalar(db, `SELECT ${q}.pg_tviews_catalog_revision() AS v`))) ?? null;
    }
    if (await functionExists(db, schema, 'contract_version')) {
      contractVersion = (await attempt('contract-version', () => scalar(db, `SELECT ${q}.contract_version() AS v`))) ?? null;
    }
  }
  const registrations =
    (await attempt('registrations', () => (generation === 2 ? registryRows(db) : metaRows(db, q)))) ?? [];

  // The health check is the extension's own code. It is meant to only read; if it writes, the
  // read-only session refuses and that refusal is reported as a finding.
  const health = await attempt('health-check', () =>
    db.query<{ h: Record<string, unknown> }>(`SELECT to_jsonb(h) AS h FROM ${q}.pg_tviews_health_check() h`),
  );
  const rows = (health ?? []).map(({ h }) => ({
    status: String(h.status ?? ''),
    component: String(h.component ?? ''),
    message: String(h.message ?? ''),
    severity: String(h.severity ?? ''),
  }));

  const libraryMissing = problems.some((p) => libraryMissingError(p.message));
  for (const r of registrations) await countRows(db, r);
  if (options.refresh && !libraryMissing) {
    for (const r of registrations) if (!r.tableMissing) r.refresh = await refreshRolledBack(db, q, r.entity);
  }

  return {
    database,
    generation,
    schema,
    extensionVersion: found.extensionVersion,
    libraryVersion,
    catalogRevision,
    contractVersion,
    registrations,
    unhealthy: rows.filter((r) => healthLevel(r) !== 'ok' && !knownHealthRow(r)),
    known: rows.filter(knownHealthRow),
    healthRows: health ? rows.length : null,
    problems,
    ...(libraryMissing ? { libraryMissing } : {}),
  };
}

/** `error`, `warning` or `ok` for one health row (statuses OK and INFO, severity info, are healthy). */
export function healthLevel(row: HealthRow): 'error' | 'warning' | 'ok' {
  const words = [row.severity, row.status].map((w) => w.toLowerCase());
  if (words.includes('error')) return 'error';
  if (words.includes('warning') || words.includes('warn')) return 'warning';
  return 'ok';
}

async function locate(db: Session): Promise<{ generation: 1 | 2; schema: string; extensionVersion: string | null } | undefined> {
  const [ext] = await db.query<{ version: string; schema: string }>(
    `SELECT e.extversion AS version, n.nspname AS schema
       FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_tviews'`,
  );
  // Generation 2 is recognised by its registry and health check in schema tviews.
  const [gen2] = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('tviews.registry') IS NOT NULL
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.pronamespace = to_regnamespace('tviews')
                       AND p.proname = 'pg_tviews_health_check') AS ok`,
  );
  if (gen2?.ok && (!ext || ext.schema === 'tviews')) return { generation: 2, schema: 'tviews', extensionVersion: ext?.version ?? null };
  // Generation 1: pg_tview_meta in the extension's schema, or (no extension row) in any schema.
  const [meta] = await db.query<{ schema: string }>(
    `SELECT n.nspname AS schema
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = 'pg_tview_meta' AND c.relkind IN ('r', 'p') AND n.nspname <> 'tviews'
        AND ($1::text IS NULL OR n.nspname = $1)
      ORDER BY n.nspname LIMIT 1`,
    [ext?.schema ?? null],
  );
  if (meta) return { generation: 1, schema: meta.schema, extensionVersion: ext?.version ?? null };
  return undefined;
}

async function functionExists(db: Session, schema: string, name: string): Promise<boolean> {
  const [row] = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = $1 AND p.proname = $2 AND p.pronargs = 0) AS ok`,
    [schema, name],
  );
  return Boolean(row?.ok);
}

async function scalar(db: Session, sql: string): Promise<number | null> {
  const [row] = await db.query<{ v: number | null }>(sql);
  return row?.v === null || row?.v === undefined ? null : Number(row.v);
}

async function registryRows(db: Session): Promise<TviewRegistration[]> {
  // Read by column name from a JSON image of the row: the registry gains columns between
  // contract versions (`view` arrived with contract 2), and additive changes must not break us.
  const rows = await db.query<{ r: Record<string, unknown> }>(`SELECT to_jsonb(r) AS r FROM tviews.registry r ORDER BY r.entity`);
  return rows.map(({ r }) => ({
    entity: String(r.entity),
    schema: typeof r.schema === 'string' ? r.schema : null,
    name: typeof r.name === 'string' ? r.name : null,
    needsReregister: r.needs_reregister === true,
    // The registry left-joins pg_class: a TVIEW whose table is gone has no schema.
    tableMissing: r.schema === null || r.schema === undefined,
    viewMissing: 'view' in r && r.view === null,
    view: typeof r.view === 'string' ? r.view : null,
  }));
}

async function metaRows(db: Session, schema: string): Promise<TviewRegistration[]> {
  const rows = await db.query<{ entity: string; schema: string | null; name: string | null; table_missing: boolean; view_missing: boolean; view: string | null }>(
    `SELECT m.entity, n.nspname AS schema, c.relname AS name, c.oid IS NULL AS table_missing, v.oid IS NULL AS view_missing,
            v.oid::regclass::text AS view
       FROM ${schema}.pg_tview_meta m
       LEFT JOIN pg_catalog.pg_class c ON c.oid = m.table_oid
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_class v ON v.oid = m.view_oid
      ORDER BY m.entity`,
  );
  return rows.map((r) => ({
    entity: r.entity,
    schema: r.schema,
    name: r.name,
    needsReregister: false,
    tableMissing: r.table_missing,
    viewMissing: r.view_missing,
    view: r.view,
  }));
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name` of every TVIEW in this database (either generation), for messages; empty without pg_tviews. */
export async function tviewNames(db: Session): Promise<string[]> {
  const found = await locate(db);
  if (!found) return [];
  const rows = found.generation === 2 ? await registryRows(db) : await metaRows(db, quoteIdentifier(found.schema));
  return rows.map((r) => `${r.schema ?? '?'}.${r.name ?? `tv_${r.entity}`}`);
}
