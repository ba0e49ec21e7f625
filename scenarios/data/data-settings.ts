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
  jobs?: number;
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
