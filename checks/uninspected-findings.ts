import type { FindingInput } from './finding.js';
import type { UninspectedDatabase } from './each-database.js';

/** One warning per database a per-database check could not open: what it says is incomplete. */
export function uninspectedFindings(uninspected: UninspectedDatabase[], what: string): FindingInput[] {
  return uninspected.map((u) => ({
    key: `uninspected:${u.database}`,
    severity: 'warn',
    message: `${what} of database ${u.database} were not inspected: ${u.reason}`,
    object: u.database,
  }));
}
