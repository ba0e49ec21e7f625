import { availableParallelism } from 'node:os';
import type { TableGroup } from '../../validate/table-groups.js';
import { parseTablePattern, parseTablePatterns, type TablePattern } from '../../validate/table-patterns.js';
import type { Scenario } from '../scenario-types.js';

/** A step's data validation, resolved from the scenario's `data` section. */
export interface DataSettings {
  tables: TablePattern[];
  exclude: TablePattern[];
  /** Logical blue/green only: compare at the switchover (clients held) or just after it. */
  when: 'switchover' | 'after-switchover';
  /** Rows per stored digest bucket (in-place upgrades); default validate's. */
  rowsPerBucket?: number;
  groupBy: TableGroup[];
  /** Sessions per side, when the scenario sets them (else rehearsalJobs). */
  jobs?: number;
}

/** More sessions per side than this by default would only queue on the server's cores. */
const MAX_DEFAULT_JOBS = 4;

/**
 * Sessions per side when the scenario does not say: a rehearsal's servers run on this machine,
 * so `servers` of them read at once share its cores (a comparison reads blue and green, stored
 * digests one server). On 2 cores: 1 per side to compare (2 each measured 14 % slower, since
 * each side's scan already keeps one core busy), 2 for digests.
 */
export function rehearsalJobs(settings: DataSettings, servers: 1 | 2): number {
  return settings.jobs ?? Math.max(1, Math.min(MAX_DEFAULT_JOBS, Math.floor(availableParallelism() / servers)));
}

/**
 * What the scenario's `data` section asks of a step whose action validates by default or not
 * (`defaultOn`: logical-bluegreen, dump-restore, pg-upgrade --copy): undefined when off.
 */
export function dataSettings(scenario: Scenario, defaultOn: boolean): DataSettings | undefined {
  const spec = scenario.data;
  const enabled = spec === undefined ? defaultOn : typeof spec === 'boolean' ? spec : (spec.enabled ?? defaultOn);
  if (!enabled) return undefined;
  const o = typeof spec === 'object' ? spec : undefined;
  return {
    tables: parseTablePatterns(o?.tables, 'scenario: field "data.tables"'),
    exclude: parseTablePatterns(o?.exclude, 'scenario: field "data.exclude"'),
    when: o?.when ?? 'switchover',
    ...(o?.rowsPerBucket ? { rowsPerBucket: o.rowsPerBucket } : {}),
    groupBy: Object.entries(o?.groupBy ?? {}).map(([table, columns]) => ({
      pattern: parseTablePattern(table, 'scenario: field "data.groupBy"'),
      columns,
      text: `${table}=${columns.join(',')}`,
    })),
    ...(o?.jobs ? { jobs: o.jobs } : {}),
  };
}

/** Whether the scenario asked for data validation explicitly (in-place upgrades validate only then). */
export function dataAskedFor(scenario: Scenario): boolean {
  const spec = scenario.data;
  return spec === true || (typeof spec === 'object' && spec.enabled === true);
}
