import { checkSelectOnly } from '../checks/select-only.js';
import { CutoverError } from '../core/errors.js';
import type { MigrationSpec } from './migration-spec.js';

/** A query of the spec, both sides' SQL checked to be a single SELECT (trailing semicolons dropped). */
export interface SelectPair {
  name: string;
  sqlite: string;
  postgres: string;
}

/**
 * The spec's queries and searches as single SELECTs, or a config error naming the first that is
 * not one: the migration checks never write, and a spec built in code skipped the schema's check.
 */
export function selectPairs(spec: Pick<MigrationSpec, 'queries' | 'search'>): { queries: SelectPair[]; search: (SelectPair & { k: number })[] } {
  const pair = <T extends SelectPair>(kind: string, q: T): T => {
    const side = (engine: 'sqlite' | 'postgres', label: string): string => {
      const verdict = checkSelectOnly(q[engine]);
      if (!verdict.ok) throw new CutoverError('config', `migration ${kind} "${q.name}" (${label}): expected a single SELECT (or WITH … SELECT), the checks never write: ${verdict.reason}`);
      return verdict.sql;
    };
    return { ...q, sqlite: side('sqlite', 'SQLite'), postgres: side('postgres', 'PostgreSQL') };
  };
  return {
    queries: (spec.queries ?? []).map((q) => pair('query', q)),
    search: (spec.search ?? []).map((q) => pair('search', q)),
  };
}
