import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { forEachDatabase, type UninspectedDatabase } from './each-database.js';
import { type PgTviewsDatabase, type TviewRegistration, healthLevel, libraryMissingError, readTviews } from './pg-tviews-collect.js';

export interface PgTviewsData {
  /** `shared_preload_libraries` as a list; null when this role may not read it. */
  preloadLibraries: string[] | null;
  preloaded: boolean | null;
  /** Only databases where pg_tviews (either API generation) was found. */
  databases: PgTviewsDatabase[];
  /** Every database looked into, with or without pg_tviews. */
  inspected: string[];
  uninspected: UninspectedDatabase[];
}

/** pg_tviews: API generation, health check, TVIEWs needing re-registration or rebuild, preloading. */
export const pgTviewsCheck = defineCheck<PgTviewsData>({
  id: 'extensions.pg_tviews',
  title: 'pg_tviews: versions, health, TVIEWs and their rows, preloading',
  doc: {
    collects:
      "pg_tviews' library version and extversion, API generation, its health check, every TVIEW's registration and rows (and its backing query's, in one snapshot), " +
      'whether it is preloaded; with `checks.pgTviews.refresh`, pg_tviews_refresh() of each TVIEW in a transaction rolled back',
    evaluates: 'a missing library, an unhealthy extension, a library of another release than the extension, stale TVIEWs, a failed refresh, registrations that need a rebuild or a re-registration, and a missing preload',
    compares: 'the extension or a TVIEW missing after, a changed release or API generation, and TVIEW rows that changed otherwise than their base tables',
    findings: {
      'library-missing': { severity: 'fail', meaning: "the server cannot load pg_tviews' library (its installation lacks it): the TVIEWs named are no longer maintained and writes to their base tables fail" },
      'version-mismatch': { severity: 'warn', meaning: "the loaded library's release differs from the extension's (new binaries with another pg_tviews): ALTER EXTENSION pg_tviews UPDATE" },
      'jsonb-delta': { severity: 'info', meaning: 'the health check\'s known warning that the optional jsonb_delta extension is absent (pg_tviews falls back to plain JSONB)' },
      stale: { severity: 'fail', meaning: 'a TVIEW holds other rows than the query it materialises (counts, or digests over the query\'s columns)' },
      'unreadable-rows': { severity: 'warn', meaning: "a TVIEW's rows could not be counted" },
      'refresh-failed': { severity: 'fail', meaning: 'pg_tviews_refresh() of a TVIEW failed (run in a transaction rolled back, when checks.pgTviews.refresh is on)' },
      'rows-changed': { severity: 'fail', meaning: "a TVIEW's rows changed between pre and post otherwise than its query's (the soak's writes change both alike)" },
      'no-extension': { severity: 'warn', meaning: 'pg_tviews objects exist without the extension (a partial restore, a hand-made copy)' },
      missing: { severity: 'fail', meaning: 'pg_tviews was installed before and is not after' },
      version: { severity: 'info', meaning: "the library's or the extension's release changed between pre and post (both are noted in each snapshot)" },
      generation: { severity: 'varies', meaning: 'the API generation changed: info when it went up, warn when down' },
      'generation-1': { severity: 'info', meaning: 'the first API generation, with fewer health details' },
      health: { severity: 'varies', meaning: 'pg_tviews_health_check() reported a problem: fail for an error, else warn' },
      'needs-rebuild': { severity: 'varies', meaning: 'a registration needs a rebuild' },
      'needs-reregister': { severity: 'varies', meaning: 'a registration needs to be registered again' },
      'registration-missing': { severity: 'fail', meaning: 'a registration of pre is not there after' },
      'not-preloaded': { severity: 'warn', meaning: 'pg_tviews is not in shared_preload_libraries' },
      'preload-unknown': { severity: 'info', meaning: 'whether it is preloaded could not be read' },
    },
  },
  async collect(ctx) {
    const refresh = ctx.config.checks.pgTviews.refresh;
    const all = await forEachDatabase(ctx, (db, database) => readTviews(db, database, { refresh }));
    const databases = all.inspected.flatMap((d) => (d.value ? [d.value] : []));
    if (databases.length === 0) {
      const unseen = all.uninspected.length ? ` (${all.uninspected.length} database(s) could not be opened)` : '';
      return ctx.skip(`pg_tviews is not installed in any database${unseen}`);
    }
    // Hidden from roles without pg_read_all_settings: then there is no row, and we say so.
    const [row] = await ctx.db.query<{ setting: string }>(
      `SELECT setting FROM pg_catalog.pg_settings WHERE name = 'shared_preload_libraries'`,
    );
    const preloadLibraries = row ? parseLibraries(row.setting) : null;
    return {
      preloadLibraries,
      preloaded: preloadLibraries ? preloadLibraries.includes('pg_tviews') : null,
      databases,
      inspected: all.inspected.map((d) => d.database),
      uninspected: all.uninspected,
    };
  },
  evaluate(data) {
    return [...evaluatePreload(data), ...data.databases.flatMap(evaluateDatabase)];
  },
  compare(pre, post) {
    const after = new Map(post.databases.map((d) => [d.database, d]));
    const inspectedAfter = new Set(post.inspected);
    const findings: FindingInput[] = [];
    for (const a of pre.databases) {
      const b = after.get(a.database);
      if (!b) {
        // A database not opened after is the databases check's finding.
        if (!inspectedAfter.has(a.database)) continue;
        findings.push({
          key: `missing:${a.database}`,
          severity: 'fail',
          message: `pg_tviews is gone from database ${a.database} after; its ${a.registrations.length} TVIEW registration(s) are lost`,
          object: a.database,
          details: { entities: a.registrations.map((r) => r.entity) },
        });
        continue;
      }
      if (a.libraryVersion !== b.libraryVersion || a.extensionVersion !== b.extensionVersion) {
        findings.push({
          key: `version:${a.database}`,
          severity: 'info',
          message: `pg_tviews in database ${a.database}: library ${a.libraryVersion ?? '?'} -> ${b.libraryVersion ?? '?'}, extension ${a.extensionVersion ?? '?'} -> ${b.extensionVersion ?? '?'}`,
          object: a.database,
          details: { pre: { library: a.libraryVersion, extension: a.extensionVersion }, post: { library: b.libraryVersion, extension: b.extensionVersion } },
        });
      }
      if (a.generation !== b.generation) {
        findings.push({
          key: `generation:${a.database}`,
          severity: b.generation > a.generation ? 'info' : 'warn',
          message: `pg_tviews in database ${a.database} went from API generation ${a.generation} to ${b.generation}`,
          object: a.database,
          details: { pre: a.generation, post: b.generation },
        });
      }
      // A registry that could not be read after says nothing about which TVIEWs are there.
      if (b.problems.some((p) => p.what === 'registrations')) continue;
      const entities = new Set(b.registrations.map((r) => r.entity));
      const afterByEntity = new Map(b.registrations.map((r) => [r.entity, r]));
      for (const r of a.registrations) {
        const later = afterByEntity.get(r.entity);
        if (later) {
          findings.push(...rowsChanged(a.database, r, later));
          continue;
        }
        if (entities.has(r.entity)) continue;
        findings.push({
          key: `registration-missing:${a.database}:${r.entity}`,
          severity: 'fail',
          message: `TVIEW ${r.schema ?? '?'}.${r.name ?? r.entity} (entity ${r.entity}) in database ${a.database} is no longer registered after`,
          object: `${a.database}.${r.entity}`,
        });
      }
    }
    return findings;
  },
});

/** A TVIEW's rows must move as its query's rows do (the soak's writes move both alike). */
function rowsChanged(database: string, a: TviewRegistration, b: TviewRegistration): FindingInput[] {
  if (typeof a.rows !== 'number' || typeof b.rows !== 'number' || typeof a.sourceRows !== 'number' || typeof b.sourceRows !== 'number') return [];
  const tview = b.rows - a.rows;
  const source = b.sourceRows - a.sourceRows;
  if (tview === source) return [];
  return [
    {
      key: `rows-changed:${database}:${a.entity}`,
      severity: 'fail',
      message: `TVIEW ${b.schema ?? '?'}.${b.name ?? a.entity} in database ${database} went from ${a.rows} to ${b.rows} row(s) (${tview >= 0 ? '+' : ''}${tview}) while its query's rows changed by ${source >= 0 ? '+' : ''}${source}`,
      object: `${database}.${a.entity}`,
      details: { pre: { rows: a.rows, sourceRows: a.sourceRows }, post: { rows: b.rows, sourceRows: b.sourceRows } },
    },
  ];
}

function evaluatePreload(data: PgTviewsData): FindingInput[] {
  if (data.preloaded === null) {
    return [
      {
        key: 'preload-unknown',
        severity: 'info',
        message: 'shared_preload_libraries is not readable by this role (needs pg_read_all_settings); whether pg_tviews is preloaded is unknown',
      },
    ];
  }
  if (data.preloaded) return [];
  // Generation 2 installs its hooks at library load: without preloading, CREATE TABLE … AS
  // interception and commit-time refresh are not in place until something loads the library.
  const serious = data.databases.some((d) => d.generation === 2 && d.registrations.length > 0);
  return [
    {
      key: 'not-preloaded',
      severity: serious ? 'fail' : 'warn',
      message: `pg_tviews is not in shared_preload_libraries (${data.preloadLibraries?.join(', ') || 'empty'}): add it and restart the server`,
      details: { sharedPreloadLibraries: data.preloadLibraries },
    },
  ];
}

function evaluateDatabase(d: PgTviewsDatabase): FindingInput[] {
  const findings: FindingInput[] = [];
  const db = d.database;
  const tviews = d.registrations.map((r) => `${r.schema ?? '?'}.${r.name ?? `tv_${r.entity}`}`);
  if (d.libraryMissing) {
    findings.push({
      key: `library-missing:${db}`,
      severity: 'fail',
      message:
        `pg_tviews library missing: extension pg_tviews ${d.extensionVersion ?? ''} in database ${db} cannot load $libdir/pg_tviews; ` +
        `TVIEWs affected (no longer maintained, writes to their base tables fail): ${tviews.join(', ') || 'none'}. Reinstall the library of the same release into this installation and restart`,
      object: db,
      details: { extension: 'pg_tviews', extensionVersion: d.extensionVersion, tviews, errors: d.problems.map((p) => p.message) },
    });
  }
  for (const p of d.problems) {
    if (d.libraryMissing && libraryMissingError(p.message)) continue;
    findings.push({
      key: `${p.what === 'health-check' ? 'health-check-failed' : `unreadable-${p.what}`}:${db}`,
      severity: 'warn',
      message:
        p.what === 'health-check'
          ? `pg_tviews health check failed in database ${db} (run read-only): ${p.message}`
          : `pg_tviews ${p.what} could not be read in database ${db}: ${p.message}`,
      object: db,
    });
  }
  // Several rows may share a component; one finding per component, the worst one.
  const byComponent = new Map<string, { level: 'error' | 'warning'; messages: string[] }>();
  for (const row of d.unhealthy) {
    const level = healthLevel(row);
    if (level === 'ok') continue;
    const seen = byComponent.get(row.component) ?? { level, messages: [] };
    if (level === 'error') seen.level = 'error';
    seen.messages.push(row.message);
    byComponent.set(row.component, seen);
  }
  for (const [component, { level, messages }] of byComponent) {
    findings.push({
      key: `health:${db}:${component}`,
      severity: level === 'error' ? 'fail' : 'warn',
      message: `pg_tviews health check in database ${db}, ${component}: ${messages.join('; ')}`,
      object: db,
    });
  }
  const qualified = d.generation === 2 ? 'tviews.' : '';
  for (const r of d.registrations) {
    const name = `${r.schema ?? '?'}.${r.name ?? `tv_${r.entity}`}`;
    if (r.tableMissing || r.viewMissing) {
      const gone = [r.tableMissing ? 'table' : '', r.viewMissing ? 'backing view' : ''].filter(Boolean).join(' and ');
      findings.push({
        key: `needs-rebuild:${db}:${r.entity}`,
        severity: 'fail',
        message: `TVIEW ${name} (entity ${r.entity}) in database ${db} is registered but its ${gone} is missing: rebuild it or drop the registration`,
        object: `${db}.${r.entity}`,
      });
    } else if (r.needsReregister) {
      findings.push({
        key: `needs-reregister:${db}:${r.entity}`,
        severity: 'warn',
        message: `TVIEW ${name} in database ${db} was registered by an older release: run SELECT * FROM ${qualified}pg_tviews_reregister_all()`,
        object: `${db}.${r.entity}`,
      });
    }
  }
  for (const r of d.registrations) {
    const name = `${r.schema ?? '?'}.${r.name ?? `tv_${r.entity}`}`;
    if (r.rowsError && !d.libraryMissing) {
      findings.push({ key: `unreadable-rows:${db}:${r.entity}`, severity: 'warn', message: `rows of TVIEW ${name} in database ${db} could not be counted: ${r.rowsError}`, object: `${db}.${r.entity}` });
    } else if ((typeof r.rows === 'number' && typeof r.sourceRows === 'number' && r.rows !== r.sourceRows) || r.contentsDiffer) {
      const what = r.rows !== r.sourceRows ? `holds ${r.rows} row(s) where its query (${r.view ?? 'backing view'}) gives ${r.sourceRows}` : `holds ${r.rows} row(s) whose contents differ from its query's (${r.view ?? 'backing view'})`;
      findings.push({
        key: `stale:${db}:${r.entity}`,
        severity: 'fail',
        message: `TVIEW ${name} in database ${db} ${what}: it is stale (SELECT ${d.generation === 2 ? 'tviews.' : ''}pg_tviews_refresh('${r.entity}') rebuilds it)`,
        object: `${db}.${r.entity}`,
        details: { rows: r.rows, sourceRows: r.sourceRows },
      });
    }
    if (r.refresh && !r.refresh.ok) {
      findings.push({ key: `refresh-failed:${db}:${r.entity}`, severity: 'fail', message: `pg_tviews_refresh('${r.entity}') of TVIEW ${name} in database ${db} failed (in a transaction rolled back): ${r.refresh.error ?? 'unknown error'}`, object: `${db}.${r.entity}` });
    }
  }
  if (d.generation === 2 && d.libraryVersion && d.extensionVersion && d.libraryVersion !== d.extensionVersion) {
    findings.push({
      key: `version-mismatch:${db}`,
      severity: 'warn',
      message: `pg_tviews in database ${db}: the loaded library is ${d.libraryVersion}, the extension ${d.extensionVersion}: run ALTER EXTENSION pg_tviews UPDATE (the health check may fail until then)`,
      object: db,
      details: { library: d.libraryVersion, extension: d.extensionVersion },
    });
  }
  for (const row of d.known ?? []) {
    findings.push({ key: `jsonb-delta:${db}`, severity: 'info', message: `pg_tviews health check in database ${db}, ${row.component}: ${row.message} (known and harmless: an optional companion)`, object: db });
  }
  if (d.generation === 1) {
    findings.push({
      key: `generation-1:${db}`,
      severity: 'info',
      message: `pg_tviews in database ${db} uses the first API generation (0.1.0, schema ${d.schema}); a current release cannot update it in place (scripts/migrate-from-0.1.0.sql)`,
      object: db,
    });
  }
  if (d.extensionVersion === null) {
    findings.push({
      key: `no-extension:${db}`,
      severity: 'warn',
      message: `pg_tviews objects exist in database ${db} (schema ${d.schema}) without a pg_tviews extension: a partial restore, or a hand-made copy`,
      object: db,
    });
  }
  return findings;
}

/** `'$libdir/pg_tviews', pg_stat_statements` as `['pg_tviews', 'pg_stat_statements']`. */
export function parseLibraries(setting: string): string[] {
  return setting
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter(Boolean)
    .map((s) => (s.split('/').pop() ?? s).replace(/\.(so|dylib|dll)$/, ''));
}
