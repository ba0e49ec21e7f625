import type { Session } from '../core/session.js';
import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { forEachDatabase, type UninspectedDatabase } from './each-database.js';
import { quoteIdent } from './quote-ident.js';
import { compareVersions } from './version-order.js';

export interface ExtensionInfo {
  database: string;
  name: string;
  version: string;
  /** The version `CREATE EXTENSION` would install now; null when the control file is gone. */
  defaultVersion: string | null;
  /** The installed version differs from the default: `ALTER EXTENSION … UPDATE` is pending. */
  updatePending: boolean;
  schema: string;
  relocatable: boolean;
}

export interface ExtensionsData {
  /** Sorted by database, then name. */
  extensions: ExtensionInfo[];
  /** Databases looked into; extensions are compared only in databases inspected before and after. */
  inspected: string[];
  /** Databases that were listed but could not be opened. */
  uninspected: UninspectedDatabase[];
}

/** Installed extensions in every database, their versions and pending updates. */
export const extensionsCheck = defineCheck<ExtensionsData>({
  id: 'extensions',
  title: 'Extensions in every database: versions, pending updates, schemas',
  doc: {
    collects: 'the extensions installed in every database: version, default (available) version and schema',
    evaluates: 'extensions whose installed version is behind the available one, and databases it could not inspect',
    compares: 'extensions missing, added, upgraded, downgraded or moved to another schema',
    findings: {
      missing: { severity: 'fail', meaning: 'an extension of pre is not installed after' },
      added: { severity: 'info', meaning: 'an extension appeared' },
      upgraded: { severity: 'info', meaning: 'its version went up' },
      downgraded: { severity: 'fail', meaning: 'its version went down' },
      schema: { severity: 'warn', meaning: 'it lives in another schema' },
      'update-pending': { severity: 'warn', meaning: 'a newer version is available: ALTER EXTENSION … UPDATE' },
      uninspected: { severity: 'warn', meaning: 'a database could not be inspected' },
    },
  },
  async collect(ctx) {
    const all = await forEachDatabase(ctx, listExtensions);
    return {
      extensions: all.inspected.flatMap((d) => d.value),
      inspected: all.inspected.map((d) => d.database),
      uninspected: all.uninspected,
    };
  },
  evaluate(data) {
    const findings: FindingInput[] = data.extensions
      .filter((e) => e.updatePending)
      .map((e) => ({
        key: `update-pending:${e.database}:${e.name}`,
        severity: 'warn',
        message:
          compareVersions(e.defaultVersion ?? '', e.version) > 0
            ? `extension ${e.name} in database ${e.database} is at ${e.version} but ${e.defaultVersion} is available: run ALTER EXTENSION ${quoteIdent(e.name)} UPDATE`
            : `extension ${e.name} in database ${e.database} is at ${e.version}, newer than the ${e.defaultVersion} this server's extension files provide (were the packages downgraded?)`,
        object: `${e.database}.${e.name}`,
        details: { installed: e.version, default: e.defaultVersion },
      }));
    for (const u of data.uninspected) {
      findings.push({
        key: `uninspected:${u.database}`,
        severity: 'warn',
        message: `extensions of database ${u.database} were not inspected: ${u.reason}`,
        object: u.database,
      });
    }
    return findings;
  },
  compare(pre, post) {
    // A database not opened after (dropped, or no longer accepting connections) is the
    // databases check's finding; it says nothing about its extensions.
    const inspectedAfter = new Set(post.inspected);
    const after = new Map(post.extensions.map((e) => [`${e.database}:${e.name}`, e]));
    const before = new Set(pre.extensions.map((e) => `${e.database}:${e.name}`));
    const findings: FindingInput[] = [];
    for (const a of pre.extensions) {
      const key = `${a.database}:${a.name}`;
      const b = after.get(key);
      const object = `${a.database}.${a.name}`;
      if (!b) {
        if (!inspectedAfter.has(a.database)) continue;
        findings.push({
          key: `missing:${key}`,
          severity: 'fail',
          message: `extension ${a.name} (${a.version}) in database ${a.database} is missing after`,
          object,
          details: { pre: a.version },
        });
        continue;
      }
      const order = compareVersions(b.version, a.version);
      if (order < 0) {
        findings.push({
          key: `downgraded:${key}`,
          severity: 'fail',
          message: `extension ${a.name} in database ${a.database} went back from ${a.version} to ${b.version}`,
          object,
          details: { pre: a.version, post: b.version },
        });
      } else if (order > 0) {
        findings.push({
          key: `upgraded:${key}`,
          severity: 'info',
          message: `extension ${a.name} in database ${a.database} ${a.version} -> ${b.version}`,
          object,
          details: { pre: a.version, post: b.version },
        });
      }
      if (a.schema !== b.schema) {
        findings.push({
          key: `schema:${key}`,
          severity: 'warn',
          message: `extension ${a.name} in database ${a.database} moved from schema ${a.schema} to ${b.schema}`,
          object,
          details: { pre: a.schema, post: b.schema },
        });
      }
    }
    const inspectedBefore = new Set(pre.inspected);
    for (const b of post.extensions) {
      const key = `${b.database}:${b.name}`;
      if (!before.has(key) && inspectedBefore.has(b.database)) {
        findings.push({ key: `added:${key}`, severity: 'info', message: `extension ${b.name} ${b.version} is new in database ${b.database}`, object: `${b.database}.${b.name}` });
      }
    }
    return findings;
  },
});

interface ExtensionRow extends Record<string, unknown> {
  name: string;
  version: string;
  default_version: string | null;
  schema: string;
  relocatable: boolean;
}

async function listExtensions(db: Session, database: string): Promise<ExtensionInfo[]> {
  // pg_available_extensions reads the control files of this server's installation, so it
  // answers "what would CREATE EXTENSION install here", which is what an update compares to.
  const rows = await db.query<ExtensionRow>(
    `SELECT e.extname AS name, e.extversion AS version, a.default_version, n.nspname AS schema, e.extrelocatable AS relocatable
       FROM pg_catalog.pg_extension e
       JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
       LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
      ORDER BY e.extname`,
  );
  return rows.map((r) => ({
    database,
    name: r.name,
    version: r.version,
    defaultVersion: r.default_version,
    updatePending: r.default_version !== null && r.default_version !== r.version,
    schema: r.schema,
    relocatable: r.relocatable,
  }));
}
