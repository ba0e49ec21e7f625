import type { Session } from '../../core/session.js';

/**
 * Gives every ordinary table of the database that has neither a primary key nor a replica
 * identity index `REPLICA IDENTITY FULL`, so that its updates and deletes can be published (a
 * publication FOR ALL TABLES otherwise makes them fail on blue). The soak's `events` table is one:
 * its id index is deliberately not unique, so that duplicates stay countable. Returns the tables
 * changed, qualified.
 */
export async function ensureReplicaIdentity(db: Session): Promise<string[]> {
  const rows = await db.query<{ name: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      AND (c.relreplident = 'n'
        OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1`);
  for (const { name } of rows) await db.query(`ALTER TABLE ${name} REPLICA IDENTITY FULL`);
  return rows.map((r) => r.name);
}
