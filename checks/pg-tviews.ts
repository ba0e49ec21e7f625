import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { forEachDatabase, type UninspectedDatabase } from './each-database.js';
import { type PgTviewsDatabase, healthLevel, readTviews } from './pg-tviews-collect.js';

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
  title: 'pg_tviews: API generation, health, registrations and preloading',
  doc: {
    collects: "pg_tviews' API generation, its health check, its registrations and whether it is preloaded",
    evaluates: 'an unhealthy extension, registrations that need a rebuild or a re-registration, and a missing preload',
    compares: 'the extension or registrations missing after, and a changed API generation',
    findings: {
      'no-extension': { severity: 'warn', meaning: 'pg_tviews objects exist without the extension (a partial restore, a hand-made copy)' },
      missing: { severity: 'fail', meaning: 'pg_tviews was installed before and is not after' },
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
    const all = await forEachDatabase(ctx, readTviews);
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
      for (const r of a.registrations) {
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
  for (const p of d.problems) {
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
