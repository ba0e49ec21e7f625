import type { FindingInput } from './finding.js';
import { bluegreenSkipReason, usesLogicalReplication } from './bluegreen-applies.js';
import { type BluegreenObjects, collectBluegreenObjects } from './bluegreen-objects-collect.js';
import { defineCheck } from './define-check.js';
import { type UninspectedDatabase, forEachDatabase } from './each-database.js';
import { uninspectedFindings } from './uninspected-findings.js';

export interface BluegreenObjectsData {
  databases: Record<string, BluegreenObjects>;
  uninspected: UninspectedDatabase[];
}

/** Names quoted in messages: at most this many, then a count. */
const LISTED = 10;

/**
 * What a managed Blue/Green on PostgreSQL cannot carry to green, per database: tables without a
 * primary key or usable replica identity, unlogged tables, large objects, materialized views,
 * publications and subscriptions of the user's own, and extensions AWS lists with limitations.
 */
export const bluegreenObjectsCheck = defineCheck<BluegreenObjectsData>({
  id: 'bluegreen.objects',
  title: 'Blue/Green guardrails: tables without replica identity, unlogged tables, large objects and other objects logical replication skips',
  doc: {
    collects: 'tables without a replica identity, unlogged tables, large objects, materialized views, extensions and replication objects of its own',
    evaluates: 'what logical replication would not carry to green',
    findings: {
      'no-replica-identity': { severity: 'fail', meaning: 'a table has no primary key or replica identity: its updates and deletes cannot replicate' },
      unlogged: { severity: 'warn', meaning: 'an unlogged table: its rows are not replicated' },
      'large-objects': { severity: 'fail', meaning: 'large objects exist: logical replication does not carry them' },
      'materialized-views': { severity: 'info', meaning: 'materialized views must be refreshed on green' },
      extensions: { severity: 'info', meaning: 'installed extensions for which AWS lists Blue/Green limitations' },
      'own-replication': { severity: 'warn', meaning: 'the database has publications, subscriptions or slots of its own' },
    },
  },
  suites: ['pre'],
  async collect(ctx) {
    const skip = await bluegreenSkipReason(ctx);
    if (skip) return ctx.skip(skip);
    const { inspected, uninspected } = await forEachDatabase(ctx, (session) => collectBluegreenObjects(session));
    return { databases: Object.fromEntries(inspected.map((i) => [i.database, i.value])), uninspected };
  },
  evaluate: (data, ctx) => evaluateObjects(data, usesLogicalReplication(ctx.config, ctx.serverVersionNum)),
});

/**
 * One finding per table for the replica identity and unlogged tables (so a gate can allow one by
 * its id), one per database for the rest, naming the objects. With physical replication
 * (no major version change) only unlogged tables matter: a physical copy has them empty too.
 */
export function evaluateObjects(data: BluegreenObjectsData, logical: boolean): FindingInput[] {
  const findings: FindingInput[] = uninspectedFindings(data.uninspected, 'Blue/Green guardrails');
  for (const [db, o] of Object.entries(data.databases)) {
    const names = (list: { schema: string; name: string }[]) => list.map((r) => `${r.schema}.${r.name}`);
    const quoted = (list: string[]) => `${list.slice(0, LISTED).join(', ')}${list.length > LISTED ? ` and ${list.length - LISTED} more` : ''}`;
    for (const r of o.unlogged) {
      const name = `${r.schema}.${r.name}`;
      findings.push({
        key: `unlogged:${db}.${name}`,
        severity: 'warn',
        message: `${db}: unlogged ${r.kind} ${name} is not replicated and will be empty on green`,
        object: `${db}.${name}`,
        details: { database: db, ...r },
      });
    }
    if (!logical) continue;
    for (const t of o.noReplicaIdentity) {
      const name = `${t.schema}.${t.name}`;
      const why = t.replicaIdentity === 'default' ? 'no primary key' : t.replicaIdentity === 'nothing' ? 'REPLICA IDENTITY NOTHING' : 'its replica identity index is missing or invalid';
      findings.push({
        key: `no-replica-identity:${db}.${name}`,
        severity: 'fail',
        message: `${db}: table ${name} has ${why}: its UPDATEs and DELETEs cannot be replicated to green (add a primary key, or set REPLICA IDENTITY FULL or USING INDEX)`,
        object: `${db}.${name}`,
        details: { database: db, ...t },
      });
    }
    if (o.largeObjects.count > 0) {
      findings.push({
        key: `large-objects:${db}`,
        severity: 'fail',
        message: `${db}: ${o.largeObjects.count} large object(s) are not replicated by logical replication and will be missing on green (oids ${o.largeObjects.sample.join(', ')}${o.largeObjects.count > o.largeObjects.sample.length ? ', …' : ''})`,
        object: `${db}: pg_largeobject_metadata`,
        details: { database: db, ...o.largeObjects },
      });
    }
    if (o.publications.length || o.subscriptions.length) {
      const list = [...o.publications.map((p) => `publication ${p}`), ...o.subscriptions.map((s) => `subscription ${s}`)];
      findings.push({
        key: `own-replication:${db}`,
        severity: 'warn',
        message: `${db}: the blue database cannot be the source or target of logical replication of its own during a Blue/Green: ${quoted(list)}`,
        object: `${db}: ${quoted(list)}`,
        details: { database: db, publications: o.publications, subscriptions: o.subscriptions },
      });
    }
    if (o.materializedViews.length) {
      const list = names(o.materializedViews);
      findings.push({
        key: `materialized-views:${db}`,
        severity: 'info',
        message: `${db}: ${list.length} materialized view(s) are not refreshed by replication: refresh them on green after the switchover: ${quoted(list)}`,
        object: `${db}: ${quoted(list)}`,
        details: { database: db, views: o.materializedViews },
      });
    }
    if (o.limitedExtensions.length) {
      findings.push({
        key: `extensions:${db}`,
        severity: 'info',
        message: `${db}: AWS lists Blue/Green limitations for installed extension(s) ${o.limitedExtensions.join(', ')}: read them before switching over`,
        object: `${db}: ${o.limitedExtensions.join(', ')}`,
        details: { database: db, extensions: o.limitedExtensions },
      });
    }
  }
  return findings;
}
