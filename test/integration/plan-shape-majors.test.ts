import { beforeAll, describe, expect, it } from 'vitest';
import { LocalServer } from '../../scenarios/providers/index.js';
import { findLab } from '../../scenarios/providers/lab-installations.js';
import { datasetBaselines, seedNotifications } from '../../scenarios/datasets/index.js';
import { runSuite } from '../../checks/suite.js';
import { resolveConfig } from '../../core/config.js';
import { explainBaselines, type ExplainBaselinesData } from '../../checks/explain-baselines.js';
import { compareBaselines } from '../../checks/explain-compare.js';
import { formatShape } from '../../checks/plan-shape.js';

/**
 * The same queries on the same seeded data have the same plan shape on PostgreSQL 15, 16, 17 and
 * 18, although EXPLAIN words their subplans differently (15 and 16: `InitPlan 1 (returns $0)`,
 * 17 on: `InitPlan 1`, the output referring to `(InitPlan 1).col1` instead of `$0`). Regression
 * for issue 13: every pg-upgrade and dump-restore rehearsal 15 -> 17 warned "plan of
 * nearest-embeddings changed shape" over that label alone.
 */

/** Subplans as the dataset's queries use them, without pgvector (which only the lab has). */
const LABEL_QUERIES = [
  // nearest-embeddings' own form: ORDER BY the distance to a scalar subquery's value, LIMIT.
  { name: 'nearest-by-initplan', sql: `SELECT id FROM app.notifications ORDER BY abs(user_id - (SELECT user_id FROM app.notifications WHERE id = 5)) LIMIT 10` },
  { name: 'latest-per-user-subplan', sql: `SELECT u.user_id, (SELECT max(created_at) FROM app.notifications n WHERE n.user_id = u.user_id) FROM app.users u WHERE u.user_id < 20` },
  { name: 'users-without-unread', sql: `SELECT count(*) FROM app.users u WHERE u.user_id NOT IN (SELECT user_id FROM app.notifications WHERE status = 'unread')` },
  { name: 'materialized-cte', sql: `WITH r AS MATERIALIZED (SELECT * FROM app.notifications WHERE user_id = 3) SELECT count(*) FROM r` },
];

interface Collected {
  label: string;
  data: ExplainBaselinesData;
  /** `Subplan Name` of every node of the InitPlan query's plan, as this major prints it. */
  subplanNames: string[];
}

async function collect(server: LocalServer, label: string, queries: { name: string; sql: string }[]): Promise<Collected> {
  {
    await using admin = await server.admin();
    await seedNotifications(admin, 1);
    await admin.query('ANALYZE');
  }
  const config = resolveConfig({ explain: { queries: queries.map((q) => ({ ...q, analyze: true, repeat: 1 })) } });
  const snapshot = await runSuite({ endpoint: server.endpoint('postgres'), suite: 'pre', config, checks: [explainBaselines] });
  const entry = snapshot.checks['explain.baselines'];
  expect(entry?.status, entry?.reason).toBe('ok');
  const data = entry?.data as ExplainBaselinesData;
  expect(data.baselines.map((b) => [b.name, b.status, b.error?.message])).toEqual(queries.map((q) => [q.name, 'ok', undefined]));
  await using admin = await server.admin();
  const initplan = queries.find((q) => q.name === 'nearest-embeddings') ?? queries.find((q) => q.name === 'nearest-by-initplan');
  const [row] = await admin.query(`EXPLAIN (FORMAT JSON) ${initplan?.sql ?? 'SELECT 1'}`);
  const subplanNames = JSON.stringify(row).match(/"Subplan Name":"[^"]*"/g)?.map((m) => m.slice(16, -1)) ?? [];
  return { label, data, subplanNames };
}

/** Asserts every collected major has the first one's shape for every query, and that the differ agrees. */
function expectSameShapes(all: Collected[]): void {
  const [reference, ...others] = all;
  if (!reference) throw new Error('nothing collected');
  const config = resolveConfig({});
  for (const other of others) {
    for (const b of reference.data.baselines) {
      const o = other.data.baselines.find((x) => x.name === b.name);
      expect(formatShape(o?.shape ?? { node: 'missing', children: [] }), `${b.name} on ${other.label} vs ${reference.label}`).toEqual(formatShape(b.shape ?? { node: 'missing', children: [] }));
    }
    const shapeFindings = compareBaselines(reference.data.baselines, other.data.baselines, config).filter((f) => f.key.startsWith('shape:'));
    expect(shapeFindings.map((f) => f.message), `${reference.label} -> ${other.label}`).toEqual([]);
  }
}

const lab = findLab();
const lab18 = lab?.bindir(18);

describe('plan shapes of the dataset queries on embedded 15, 16, 17 and the lab 18', () => {
  const queries = [...datasetBaselines(false), ...LABEL_QUERIES];
  const collected: Collected[] = [];

  beforeAll(async () => {
    const servers: [string, () => Promise<LocalServer>][] = [
      ['15', () => LocalServer.start({ version: '15', name: 'shapes-15' })],
      ['16', () => LocalServer.start({ version: '16', name: 'shapes-16' })],
      ['17', () => LocalServer.start({ version: '17', name: 'shapes-17' })],
      ...(lab18 ? [['18', () => LocalServer.start({ bindir: lab18, name: 'shapes-18' })] as [string, () => Promise<LocalServer>]] : []),
    ];
    // One at a time: the machine's cores are shared, and each server only lives for its queries.
    for (const [label, start] of servers) {
      await using server = await start();
      collected.push(await collect(server, label, queries));
    }
  });

  it('15 and 16 label the InitPlan `InitPlan 1 (returns $0)`, 17 `InitPlan 1`: the test sees the difference', () => {
    const names = Object.fromEntries(collected.map((c) => [c.label, c.subplanNames]));
    expect(names['15']).toEqual(['InitPlan 1 (returns $0)']);
    expect(names['16']).toEqual(['InitPlan 1 (returns $0)']);
    expect(names['17']).toEqual(['InitPlan 1']);
  });

  it('every query has the same shape on every major, and the differ reports no shape change', () => {
    expect(collected.map((c) => c.label)).toEqual(['15', '16', '17', ...(lab18 ? ['18'] : [])]);
    expectSameShapes(collected);
  });

  it.skipIf(!lab18)(`includes PostgreSQL 18${lab18 ? '' : ' (skipped: the upgrade lab has no 18, run scripts/lab.sh)'}`, () => {
    expect(collected.find((c) => c.label === '18')?.subplanNames).toEqual(['InitPlan 1']);
  });
});

const labMajors = ([15, 17, 18] as const).filter((m) => lab?.bindir(m));

describe.skipIf(labMajors.length < 3)(`nearest-embeddings (pgvector) on the lab 15, 17 and 18${labMajors.length < 3 ? ' (skipped: the upgrade lab is not complete, run scripts/lab.sh)' : ''}`, () => {
  const collected: Collected[] = [];

  beforeAll(async () => {
    for (const major of labMajors) {
      const bindir = lab?.bindir(major) as string;
      await using server = await LocalServer.start({ bindir, name: `shapes-vector-${major}` });
      collected.push(await collect(server, String(major), datasetBaselines(true)));
    }
  });

  it('has the same shape on 15, 17 and 18 though 15 prints `InitPlan 1 (returns $0)`', () => {
    expect(collected.map((c) => c.data.baselines.some((b) => b.name === 'nearest-embeddings'))).toEqual([true, true, true]);
    expect(collected.map((c) => c.subplanNames)).toEqual([['InitPlan 1 (returns $0)'], ['InitPlan 1'], ['InitPlan 1']]);
    expectSameShapes(collected);
  });
});
