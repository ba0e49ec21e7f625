import type { Session } from '../core/session.js';
import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { quoteIdent } from './quote-ident.js';

export interface DatabaseInfo {
  name: string;
  /** Null when the size cannot be read (no CONNECT privilege and no pg_read_all_stats). */
  sizeBytes: number | null;
  encoding: string;
  collate: string;
  ctype: string;
  /** `libc`, `icu` or `builtin` (15+); null before 15, where every database uses libc. */
  localeProvider: string | null;
  /** The ICU (15, 16) or builtin (17+) locale; null for libc. */
  locale: string | null;
  /** The collation version recorded when the database was created or refreshed (15+). */
  collationVersion: string | null;
  /** The version the operating system or ICU provides now (15+). */
  actualCollationVersion: string | null;
  allowConnections: boolean;
  /** -1 for no limit. */
  connectionLimit: number;
  isTemplate: boolean;
}

export interface DatabasesData {
  databases: DatabaseInfo[];
}

const PROVIDERS: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin' };

/** Databases: sizes, encoding and collation, collation versions, connection settings. */
export const databasesCheck = defineCheck<DatabasesData>({
  id: 'databases',
  title: 'Databases, sizes, encodings, collations and connection settings',
  doc: {
    collects: 'every database with its size, encoding, collation and ctype, collation version, connection limit and whether it accepts connections',
    evaluates: 'collation versions that no longer match the operating system library (indexes on text may need a rebuild)',
    compares: 'databases missing or added, and a changed encoding, collation, connection setting or a size that shrank',
    findings: {
      missing: { severity: 'fail', meaning: 'a database of pre is not there after' },
      added: { severity: 'info', meaning: 'a database appeared' },
      encoding: { severity: 'fail', meaning: 'the encoding changed' },
      collation: { severity: 'fail', meaning: 'the collation or ctype changed' },
      'collation-version': { severity: 'warn', meaning: 'the recorded collation version differs from the library: reindex text indexes' },
      'allow-connections': { severity: 'warn', meaning: 'whether the database accepts connections changed' },
      'connection-limit': { severity: 'info', meaning: 'the connection limit changed' },
      'size-shrink': { severity: 'warn', meaning: 'the database is much smaller after' },
    },
  },
  async collect(ctx) {
    return { databases: await listDatabases(ctx.db, ctx.serverVersionNum) };
  },
  evaluate(data) {
    return data.databases
      .filter((d) => d.collationVersion && d.actualCollationVersion && d.collationVersion !== d.actualCollationVersion)
      .map((d) => ({
        key: `collation-version:${d.name}`,
        severity: 'warn',
        message: `database ${d.name} was created with collation version ${d.collationVersion} but the system now provides ${d.actualCollationVersion}: indexes on text may be corrupt; REINDEX them, then ALTER DATABASE ${quoteIdent(d.name)} REFRESH COLLATION VERSION`,
        object: d.name,
        details: { recorded: d.collationVersion, actual: d.actualCollationVersion },
      }));
  },
  compare(pre, post) {
    const after = new Map(post.databases.map((d) => [d.name, d]));
    const findings: FindingInput[] = [];
    for (const a of pre.databases) {
      const b = after.get(a.name);
      if (!b) {
        findings.push({ key: `missing:${a.name}`, severity: 'fail', message: `database ${a.name} is missing after`, object: a.name });
        continue;
      }
      findings.push(...compareDatabase(a, b));
    }
    const before = new Set(pre.databases.map((d) => d.name));
    for (const b of post.databases) {
      if (!before.has(b.name)) {
        findings.push({ key: `added:${b.name}`, severity: 'info', message: `database ${b.name} is new after`, object: b.name });
      }
    }
    return findings;
  },
});

function compareDatabase(a: DatabaseInfo, b: DatabaseInfo): FindingInput[] {
  const findings: FindingInput[] = [];
  const name = a.name;
  if (a.encoding !== b.encoding) {
    findings.push({
      key: `encoding:${name}`,
      severity: 'fail',
      message: `database ${name} encoding ${a.encoding} -> ${b.encoding}`,
      object: name,
      details: { pre: a.encoding, post: b.encoding },
    });
  }
  const locale = (d: DatabaseInfo) => ({ collate: d.collate, ctype: d.ctype, provider: d.localeProvider ?? 'libc', locale: d.locale });
  const la = locale(a);
  const lb = locale(b);
  if (la.collate !== lb.collate || la.ctype !== lb.ctype || la.provider !== lb.provider || la.locale !== lb.locale) {
    findings.push({
      key: `collation:${name}`,
      severity: 'fail',
      message: `database ${name} collation changed: ${describeLocale(la)} -> ${describeLocale(lb)} (text sort order and indexes on text may differ)`,
      object: name,
      details: { pre: la, post: lb },
    });
  }
  if (a.allowConnections !== b.allowConnections) {
    findings.push({
      key: `allow-connections:${name}`,
      severity: 'warn',
      message: `database ${name} ${b.allowConnections ? 'now accepts' : 'no longer accepts'} connections (datallowconn ${a.allowConnections} -> ${b.allowConnections})`,
      object: name,
      details: { pre: a.allowConnections, post: b.allowConnections },
    });
  }
  if (a.connectionLimit !== b.connectionLimit) {
    findings.push({
      key: `connection-limit:${name}`,
      severity: 'info',
      message: `database ${name} connection limit ${a.connectionLimit} -> ${b.connectionLimit}`,
      object: name,
      details: { pre: a.connectionLimit, post: b.connectionLimit },
    });
  }
  if (a.sizeBytes !== null && b.sizeBytes !== null && a.sizeBytes > 0 && b.sizeBytes < a.sizeBytes / 2) {
    findings.push({
      key: `size-shrink:${name}`,
      severity: 'warn',
      message: `database ${name} shrank by ${Math.round((1 - b.sizeBytes / a.sizeBytes) * 100)}% (${a.sizeBytes} -> ${b.sizeBytes} bytes)`,
      object: name,
      details: { pre: a.sizeBytes, post: b.sizeBytes },
    });
  }
  return findings;
}

function describeLocale(l: { collate: string; ctype: string; provider: string; locale: string | null }): string {
  const base = l.collate === l.ctype ? l.collate : `${l.collate}/${l.ctype}`;
  return l.provider === 'libc' ? base : `${l.provider} ${l.locale ?? ''} (${base})`;
}

interface DatabaseRow extends Record<string, unknown> {
  name: string;
  size: string | null;
  encoding: string;
  collate: string;
  ctype: string;
  provider: string | null;
  locale: string | null;
  collversion: string | null;
  actual: string | null;
  allowconn: boolean;
  connlimit: number;
  istemplate: boolean;
}

async function listDatabases(db: Session, versionNum: number): Promise<DatabaseInfo[]> {
  // Columns moved between majors: the locale provider arrived in 15, `daticulocale` became `datlocale` in 17.
  const provider = versionNum >= 150000 ? 'd.datlocprovider::text' : 'NULL::text';
  const locale = versionNum >= 170000 ? 'd.datlocale' : versionNum >= 150000 ? 'd.daticulocale' : 'NULL::text';
  const collversion = versionNum >= 150000 ? 'd.datcollversion' : 'NULL::text';
  const sql = (actual: string) => `
    SELECT d.datname AS name,
           CASE WHEN has_database_privilege(d.oid, 'CONNECT')
                  OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER')
                THEN pg_database_size(d.oid)::text END AS size,
           pg_encoding_to_char(d.encoding) AS encoding, d.datcollate AS collate, d.datctype AS ctype,
           ${provider} AS provider, ${locale} AS locale, ${collversion} AS collversion, ${actual} AS actual,
           d.datallowconn AS allowconn, d.datconnlimit AS connlimit, d.datistemplate AS istemplate
      FROM pg_catalog.pg_database d
     ORDER BY d.datname`;
  let rows: DatabaseRow[];
  if (versionNum >= 150000) {
    try {
      rows = await db.query<DatabaseRow>(sql('pg_database_collation_actual_version(d.oid)'));
    } catch {
      // A locale the operating system no longer has makes the function fail; versions stay unknown.
      rows = await db.query<DatabaseRow>(sql('NULL::text'));
    }
  } else {
    rows = await db.query<DatabaseRow>(sql('NULL::text'));
  }
  return rows.map((r) => ({
    name: r.name,
    sizeBytes: r.size === null ? null : Number(r.size),
    encoding: r.encoding,
    collate: r.collate,
    ctype: r.ctype,
    localeProvider: r.provider === null ? null : (PROVIDERS[r.provider] ?? r.provider),
    locale: r.locale,
    collationVersion: r.collversion,
    actualCollationVersion: r.actual,
    allowConnections: r.allowconn,
    connectionLimit: Number(r.connlimit),
    isTemplate: r.istemplate,
  }));
}
