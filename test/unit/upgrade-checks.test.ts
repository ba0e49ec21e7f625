import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../core/endpoint.js';
import type { Row, Session } from '../../core/session.js';
import {
  MAX_OBJECTS_PER_CHECK,
  UPGRADE_CHECKS,
  majorOf,
  formatMajor,
  runUpgradeChecks,
  type UpgradeCheckDefinition,
  type VersionPair,
} from '../../checks/upgrade/index.js';
import { readinessFindings, type UpgradeReadinessData } from '../../checks/upgrade/readiness-findings.js';
import { postfixOperators } from '../../checks/upgrade/postfix-operators.js';
import { incompatiblePolymorphics, oldPolymorphics } from '../../checks/upgrade/incompatible-polymorphics.js';
import { tablesWithOids } from '../../checks/upgrade/tables-with-oids.js';
import { encodingConversions } from '../../checks/upgrade/encoding-conversions.js';
import { pgRolePrefix } from '../../checks/upgrade/pg-role-prefix.js';
import { isnInt8Passing } from '../../checks/upgrade/isn-int8-passing.js';
import { installUser } from '../../checks/upgrade/install-user.js';
import { dataChecksums } from '../../checks/upgrade/data-checksums.js';
import { clusterVersions } from '../../checks/upgrade/cluster-versions.js';
import { unicodeUpdate } from '../../checks/upgrade/unicode-update.js';
import { logicalSlotsPending } from '../../checks/upgrade/logical-slots-pending.js';
import { lineType } from '../../checks/upgrade/line-type.js';
import { unknownType } from '../../checks/upgrade/unknown-type.js';
import { sqlIdentifierType } from '../../checks/upgrade/sql-identifier-type.js';
import { jsonb94Type } from '../../checks/upgrade/jsonb-9-4-type.js';
import { abstimeType } from '../../checks/upgrade/abstime-type.js';
import { reltimeType } from '../../checks/upgrade/reltime-type.js';
import { tintervalType } from '../../checks/upgrade/tinterval-type.js';
import { dataTypeUsageQuery } from '../../checks/upgrade/data-type-usage.js';

// Rules for sources older than the embedded 15 cannot be provoked on a real server here: their
// interpret rules are tested on rows shaped like their queries' results.

const byId = (id: string): UpgradeCheckDefinition => {
  const check = UPGRADE_CHECKS.find((c) => c.id === id);
  if (!check) throw new Error(`no rule ${id}`);
  return check;
};
const objects = (check: UpgradeCheckDefinition, rows: Row[], versions: VersionPair, database?: string) =>
  check.interpret(rows, database === undefined ? versions : { ...versions, database });

describe('majorOf / formatMajor', () => {
  it('orders majors across the 10.0 renumbering', () => {
    expect(majorOf(90424)).toBe(9.4);
    expect(majorOf(90603)).toBe(9.6);
    expect(majorOf(100023)).toBe(10);
    expect(majorOf(170010)).toBe(17);
    expect(majorOf(90603) < majorOf(100000)).toBe(true);
    expect(formatMajor(9.6)).toBe('9.6');
    expect(formatMajor(18)).toBe('18');
  });
});

describe('which rules apply to which upgrade', () => {
  const applicable = (source: number, target: number) =>
    UPGRADE_CHECKS.filter((c) => c.appliesTo({ source, target })).map((c) => c.id);

  it('ids are unique, kebab-case, and every rule says when it applies and what to do', () => {
    const ids = UPGRADE_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of UPGRADE_CHECKS) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.when.length).toBeGreaterThan(0);
      expect(c.advice.length).toBeGreaterThan(0);
    }
  });

  it('docs/upgrade-compat.md lists every rule', () => {
    const doc = readFileSync(new URL('../../docs/upgrade-compat.md', import.meta.url), 'utf8');
    for (const c of UPGRADE_CHECKS) expect(doc, c.id).toContain(`\`${c.id}\``);
  });

  it('9.4 -> 18 runs the old-version rules', () => {
    const ids = applicable(9.4, 18);
    for (const id of [
      'jsonb-9-4-type', 'unknown-type', 'sql-identifier-type', 'abstime-type', 'reltime-type', 'tinterval-type',
      'tables-with-oids', 'postfix-operators', 'incompatible-polymorphics', 'encoding-conversions',
      'pg-role-prefix', 'aclitem-type', 'logical-slots-not-migrated', 'not-null-inheritance',
    ]) expect(ids, id).toContain(id);
    expect(ids).not.toContain('line-type');
    expect(ids).not.toContain('subscriptions-not-migrated'); // no subscriptions before 10
  });

  it('9.3 -> 18 adds the line type; 9.6 -> 18 drops jsonb and role prefix', () => {
    expect(applicable(9.3, 18)).toContain('line-type');
    expect(applicable(9.6, 18)).not.toContain('jsonb-9-4-type');
    expect(applicable(9.6, 18)).not.toContain('pg-role-prefix');
    expect(applicable(9.6, 18)).toContain('unknown-type');
  });

  it('13 -> 14 runs the PostgreSQL 14 rules, 14 -> 18 does not', () => {
    for (const id of ['postfix-operators', 'incompatible-polymorphics', 'encoding-conversions']) {
      expect(applicable(13, 14)).toContain(id);
      expect(applicable(14, 18)).not.toContain(id);
    }
  });

  it('aclitem applies from 15 or older to 16 or newer only', () => {
    expect(applicable(15, 16)).toContain('aclitem-type');
    expect(applicable(15, 15)).not.toContain('aclitem-type');
    expect(applicable(16, 18)).not.toContain('aclitem-type');
  });

  it('slots and subscriptions: migrated from 17, not migrated before', () => {
    expect(applicable(16, 18)).toEqual(expect.arrayContaining(['logical-slots-not-migrated', 'subscriptions-not-migrated']));
    expect(applicable(16, 18)).not.toContain('logical-slots-invalid');
    expect(applicable(17, 18)).toEqual(
      expect.arrayContaining(['logical-slots-invalid', 'logical-slots-pending', 'logical-slots-migrated', 'subscription-origins', 'subscription-rel-state']),
    );
    expect(applicable(17, 18)).not.toContain('logical-slots-not-migrated');
  });

  it('unicode-update needs a source of 17 and a target of 18; global-names a target of 19', () => {
    expect(applicable(17, 18)).toContain('unicode-update');
    expect(applicable(16, 18)).not.toContain('unicode-update');
    expect(applicable(17, 17)).not.toContain('unicode-update');
    expect(applicable(17, 19)).toContain('global-names');
    expect(applicable(17, 18)).not.toContain('global-names');
  });
});

describe('interpret rules of old-source checks, on crafted rows', () => {
  const v = { source: 13, target: 18 };

  it('postfix-operators names the operator and its left type', () => {
    const rows = [{ oproid: 16500, oprnsp: 'public', oprname: '!!', typnsp: 'pg_catalog', typname: 'int8' }];
    expect(objects(postfixOperators, rows, v, 'app')).toEqual([{ database: 'app', object: 'public.!! (pg_catalog.int8, NONE)' }]);
    expect(objects(postfixOperators, [], v, 'app')).toEqual([]);
  });

  it('incompatible-polymorphics lists aggregates and operators; the function list grows with the source', () => {
    const rows = [
      { objkind: 'aggregate', objname: 'array_accum(anyelement)' },
      { objkind: 'operator', objname: '+(anyarray,anyelement)' },
    ];
    expect(objects(incompatiblePolymorphics, rows, v, 'app')).toEqual([
      { database: 'app', object: 'array_accum(anyelement)', detail: 'aggregate' },
      { database: 'app', object: '+(anyarray,anyelement)', detail: 'operator' },
    ]);
    expect(oldPolymorphics(9.2)).toHaveLength(3);
    expect(oldPolymorphics(9.4)).toHaveLength(5);
    expect(oldPolymorphics(13)).toHaveLength(9);
    expect(incompatiblePolymorphics.query?.({ source: 9.2, target: 18 })).not.toContain('array_remove');
    expect(incompatiblePolymorphics.query?.({ source: 13, target: 18 })).toContain("'width_bucket(anyelement,anyarray)'");
  });

  it('tables-with-oids, encoding-conversions and pg-role-prefix name their objects', () => {
    expect(objects(tablesWithOids, [{ nspname: 'public', relname: 'legacy' }], { source: 11, target: 18 }, 'app')).toEqual([
      { database: 'app', object: 'public.legacy' },
    ]);
    expect(objects(encodingConversions, [{ conoid: 16400, conname: 'myconv', nspname: 'public' }], v, 'app')).toEqual([
      { database: 'app', object: 'public.myconv' },
    ]);
    expect(objects(pgRolePrefix, [{ roloid: 16390, rolname: 'pg_app' }], { source: 9.5, target: 18 })).toEqual([
      { object: 'pg_app', detail: 'oid 16390' },
    ]);
  });

  it('data type rules name each stored column, whichever old type they look for', () => {
    const rows = [{ nspname: 'public', relname: 'events', attname: 'at' }];
    for (const check of [lineType, unknownType, sqlIdentifierType, jsonb94Type, abstimeType, reltimeType, tintervalType]) {
      expect(objects(check, rows, { source: 9.3, target: 18 }, 'app'), check.id).toEqual([{ database: 'app', object: 'public.events.at' }]);
      expect(check.query?.({ source: 9.3, target: 18 })).toContain('WITH RECURSIVE oids');
    }
    expect(abstimeType.query?.({ source: 11, target: 18 })).toContain(`'pg_catalog.abstime'::pg_catalog.regtype`);
  });

  it('the data type query looks through domains, arrays, composites and ranges, in tables, matviews and indexes', () => {
    const sql = dataTypeUsageQuery(`SELECT 1::oid AS oid`);
    expect(sql).toContain(`typtype = 'd'`);
    expect(sql).toContain(`typtype = 'b'`);
    expect(sql).toContain(`t.typtype = 'c'`);
    expect(sql).toContain(`t.typtype = 'r'`);
    expect(sql).toContain(`c.relkind IN ('r', 'm', 'i')`);
  });
});

describe('interpret rules that need a configuration a test server cannot have', () => {
  it('isn-int8-passing fires only when the source passes bigint by reference (a 32-bit build)', () => {
    const v = { source: 15, target: 18 };
    const row = { nspname: 'public', proname: 'isn_in' };
    expect(objects(isnInt8Passing, [{ ...row, float8_pass_by_value: false }], v, 'app')).toEqual([
      { database: 'app', object: 'public.isn_in', detail: expect.stringMatching(/by reference/) },
    ]);
    expect(objects(isnInt8Passing, [{ ...row, float8_pass_by_value: true }], v, 'app')).toEqual([]);
    expect(isnInt8Passing.query?.({ source: 9.5, target: 18 })).toContain('NULL::boolean');
    expect(isnInt8Passing.query?.({ source: 15, target: 18 })).toContain('pg_control_init()');
  });

  it('install-user fires for a pg_ name or no OID 10 role, and keeps the name as a fact', () => {
    const v = { source: 9.5, target: 18 };
    expect(objects(installUser, [{ install_user: 'postgres', connected_as: 'mon' }], v)).toEqual([]);
    expect(objects(installUser, [{ install_user: 'pg_admin', connected_as: 'mon' }], v)).toHaveLength(1);
    expect(objects(installUser, [{ install_user: null, connected_as: 'mon' }], v)).toHaveLength(1);
    expect(installUser.facts?.([{ install_user: 'postgres', connected_as: 'mon' }], v)).toEqual({ installUser: 'postgres', connectedAs: 'mon' });
  });

  it('data-checksums warns in both directions of the 18 default change', () => {
    expect(objects(dataChecksums, [{ data_checksums: 'off' }], { source: 17, target: 18 })[0]?.detail).toMatch(/--no-data-checksums/);
    expect(objects(dataChecksums, [{ data_checksums: 'on' }], { source: 16, target: 17 })[0]?.detail).toMatch(/ --data-checksums/);
    expect(objects(dataChecksums, [{ data_checksums: 'on' }], { source: 17, target: 18 })).toEqual([]);
    expect(objects(dataChecksums, [{ data_checksums: 'off' }], { source: 16, target: 17 })).toEqual([]);
  });

  it('queries stay valid on old sources: no temporary slots before 10, no checksum setting before 9.3', () => {
    const notMigrated = byId('logical-slots-not-migrated');
    expect(notMigrated.query?.({ source: 9.6, target: 18 })).not.toContain('temporary');
    expect(notMigrated.query?.({ source: 16, target: 18 })).toContain('NOT temporary');
    expect(notMigrated.appliesTo({ source: 9.3, target: 18 })).toBe(false);
    expect(objects(dataChecksums, [], { source: 9.2, target: 18 })[0]?.object).toBe('data_checksums = off');
  });

  it('cluster-versions refuses downgrades and sources older than 9.2', () => {
    expect(objects(clusterVersions, [], { source: 17, target: 16 })[0]?.detail).toMatch(/downgrade/);
    expect(objects(clusterVersions, [], { source: 9.1, target: 16 })[0]?.detail).toMatch(/9\.2/);
    expect(objects(clusterVersions, [], { source: 17, target: 17 })).toEqual([]);
  });

  it('unicode-update reports nothing when the target has the same Unicode, and says so when unknown', () => {
    const row = { unicode: '15.1', reloid: 16400, relkind: 'i', nspname: 'public', relname: 'names_lower' };
    expect(objects(unicodeUpdate, [row], { source: 17, target: 18 }, 'app')[0]?.detail).toBe('Unicode 15.1 -> 16.0');
    expect(objects(unicodeUpdate, [{ ...row, unicode: '16.0' }], { source: 18, target: 18 }, 'app')).toEqual([]);
    expect(objects(unicodeUpdate, [row], { source: 17, target: 25 }, 'app')[0]?.detail).toMatch(/unknown to cutover/);
  });

  it('logical-slots-pending ignores active slots and slots with nothing pending', () => {
    const v = { source: 17, target: 18 };
    const rows = [
      { slot_name: 'idle', database: 'app', active: false, pending_bytes: '4096' },
      { slot_name: 'busy', database: 'app', active: true, pending_bytes: '4096' },
      { slot_name: 'done', database: 'app', active: false, pending_bytes: '0' },
    ];
    expect(objects(logicalSlotsPending, rows, v).map((o) => o.object)).toEqual(['idle']);
  });
});

/** A session that answers each query from a function, for the runner's bookkeeping. */
function fakeSession(database: string, answer: (sql: string) => Row[]): Session {
  const endpoint = { host: 'fake', port: 5432, database, user: 'u' } as Endpoint;
  const close = async () => {};
  return {
    endpoint,
    serverVersionNum: 170000,
    query: async <R extends Row = Row>(sql: string) => answer(sql) as R[],
    close,
    [Symbol.asyncDispose]: close,
  };
}

describe('runUpgradeChecks', () => {
  const versions = { source: 17, target: 18 };

  it('runs cluster rules once and database rules in every database; records errors and unreachable databases', async () => {
    const clusterRule = byId('prepared-transactions');
    const dbRule = byId('reg-types');
    const cluster = fakeSession('postgres', (sql) =>
      sql.includes('pg_prepared_xacts') ? [{ gid: 'tx1', database: 'app', owner: 'u' }] : [],
    );
    const app = fakeSession('app', (sql) => {
      if (sql.includes('regproc')) throw Object.assign(new Error('permission denied for table pg_type'), { code: '42501' });
      return [];
    });
    const released: string[] = [];
    const { results, uninspected } = await runUpgradeChecks({
      checks: [clusterRule, dbRule, byId('postfix-operators')],
      versions,
      cluster,
      databases: ['postgres', 'app', 'gone'],
      connect: async (db) => {
        if (db === 'app') return app;
        throw new Error(`database "${db}" does not exist`);
      },
      release: async (db) => {
        released.push(db);
      },
    });
    // The cluster session is the suite's; only the sessions the runner opened are released.
    expect(released).toEqual(['app']);
    expect(uninspected).toEqual([{ database: 'gone', reason: 'database "gone" does not exist' }]);
    const [prepared, reg, postfix] = results;
    expect(prepared).toMatchObject({ id: 'prepared-transactions', applies: true, passed: false, objects: [{ database: 'app', object: 'tx1' }] });
    expect(reg).toMatchObject({ applies: true, passed: false, objects: [] });
    expect(reg?.errors).toEqual([{ database: 'app', message: 'permission denied for table pg_type', sqlState: '42501' }]);
    expect(postfix).toMatchObject({ applies: false, passed: true, objects: [] });
  });

  it('keeps at most MAX_OBJECTS_PER_CHECK objects and counts the rest', async () => {
    const many = Array.from({ length: MAX_OBJECTS_PER_CHECK + 5 }, (_, i) => ({ gid: `tx${i}`, database: 'app', owner: 'u' }));
    const { results } = await runUpgradeChecks({
      checks: [byId('prepared-transactions')],
      versions,
      cluster: fakeSession('postgres', () => many),
      databases: [],
      connect: async () => {
        throw new Error('unused');
      },
    });
    expect(results[0]?.objects).toHaveLength(MAX_OBJECTS_PER_CHECK);
    expect(results[0]?.omitted).toBe(5);
  });
});

describe('readinessFindings', () => {
  const base: UpgradeReadinessData = {
    source: { version: '15.18', major: 15 },
    target: { major: 18, from: 'config' },
    databases: ['postgres'],
    uninspected: [],
    checks: [],
  };
  const result = (over: Partial<UpgradeReadinessData['checks'][number]>): UpgradeReadinessData['checks'][number] => ({
    id: 'reg-types',
    title: 'reg* data types in user tables',
    pgUpgrade: 'check_for_data_types_usage',
    severity: 'fail',
    when: 'every source',
    applies: true,
    passed: false,
    objects: [],
    advice: 'drop them',
    ...over,
  });

  it('one finding per rule that found something, with the rule severity and a stable key', () => {
    const findings = readinessFindings({
      ...base,
      checks: [
        result({ objects: [{ database: 'app', object: 'public.t.handler' }, { database: 'app', object: 'public.t.op' }] }),
        result({ id: 'loadable-libraries', severity: 'info', passed: true, objects: [{ database: 'app', object: '$libdir/isn' }] }),
        result({ id: 'aclitem-type', applies: false, passed: true }),
        result({ id: 'composite-types', passed: true }),
      ],
    });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['reg-types', 'fail'],
      ['loadable-libraries', 'info'],
    ]);
    expect(findings[0]?.message).toBe(
      'pg_upgrade to 18 would refuse: reg* data types in user tables (2 objects): app: public.t.handler; app: public.t.op',
    );
    expect(findings[0]?.object).toBe('app: public.t.handler');
  });

  it('reports errors, uninspected databases and a defaulted target', () => {
    const findings = readinessFindings({
      ...base,
      target: { major: 18, from: 'default' },
      uninspected: [{ database: 'locked', reason: 'permission denied for database locked' }],
      checks: [result({ errors: [{ database: 'app', message: 'boom' }] })],
    });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['target-defaulted', 'info'],
      ['uninspected:locked', 'warn'],
      ['reg-types:error:app', 'warn'],
    ]);
  });

  const checksumsOff = result({ id: 'data-checksums', title: 'Data checksums the target must be initialised with', severity: 'warn', objects: [{ object: 'data_checksums = off' }] });
  const regTypes = result({ objects: [{ database: 'app', object: 'public.t.handler' }] });

  // Regression (issue 13): plain `cutover check` of a 16 warned about 18's checksum default.
  it('with no target configured, an advisory for the newest major is information; a refusal still fails', () => {
    const findings = readinessFindings({ ...base, source: { version: '16.4', major: 16 }, target: { major: 18, from: 'default' }, checks: [checksumsOff, regTypes] });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['target-defaulted', 'info'],
      ['data-checksums', 'info'],
      ['reg-types', 'fail'],
    ]);
    expect(findings[1]?.message).toMatch(/^pg_upgrade to 18 \(no target configured\): Data checksums/);
  });

  it('with the target the run asked for, an advisory warns', () => {
    const findings = readinessFindings({ ...base, target: { major: 18, from: 'config' }, checks: [checksumsOff] });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([['data-checksums', 'warn']]);
  });

  // Regression (issue 13): the docs' minor scenario 16.4 -> 16.14 ended WARN on a pg_upgrade rule.
  it('a target of the source\'s own major (a minor upgrade) makes every rule information', () => {
    const findings = readinessFindings({ ...base, source: { version: '16.4', major: 16 }, target: { major: 16, from: 'config' }, checks: [checksumsOff, regTypes] });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['target-same-major', 'info'],
      ['data-checksums', 'info'],
      ['reg-types', 'info'],
    ]);
    expect(findings[2]?.message).toMatch(/a later major upgrade; not this minor one/);
  });
});
