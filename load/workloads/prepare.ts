import { CutoverError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { WorkloadDefinition } from '../workload-types.js';
import { quoteIdentifier } from '../sql-ident.js';

/**
 * Checks that the workload can run here, then creates its tables in `schema` (and nothing outside
 * it). Throws a usage error naming the reason when the workload is not available.
 */
export async function prepareWorkload(db: Session, workload: WorkloadDefinition, schema: string): Promise<void> {
  const available = workload.available ? await workload.available(db) : true;
  if (available !== true) {
    throw new CutoverError('usage', `workload ${workload.name} cannot run on ${db.endpoint.database}: ${available}`);
  }
  for (const statement of workload.ddl(schema)) await db.query(statement);
}

/** An operation's SQL with `{schema}` replaced by the quoted schema name. */
export function operationSql(sql: string, schema: string): string {
  return sql.replaceAll('{schema}', quoteIdentifier(schema));
}
