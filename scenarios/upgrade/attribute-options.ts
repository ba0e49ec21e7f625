import type { Cluster } from '../topology/cluster.js';
import { CutoverError } from '../../core/errors.js';

/** The only column options PostgreSQL's ALTER TABLE … ALTER COLUMN … SET accepts, in every major since 9.0. */
const KNOWN_ATTRIBUTE_OPTIONS = ['n_distinct', 'n_distinct_inherited'];

/** A user column carrying an attribute option no PostgreSQL release accepts on restore. */
export interface ForeignAttributeOption {
  database: string;
  column: string;
  option: string;
}

/**
 * Columns whose `attoptions` hold keys outside PostgreSQL's own (seen: Debian's 15.20 build sets
 * `pg_attver` on every column). pg_upgrade --check does not look at them, but its schema
 * restore replays them and the new server refuses — after blue was stopped. Looking first
 * turns that outage into a refusal while blue still serves.
 */
export async function foreignAttributeOptions(cluster: Cluster, only?: readonly string[]): Promise<ForeignAttributeOption[]> {
  const databases = only ?? await (async () => {
    await using admin = await cluster.admin('postgres');
    return (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname`)).map((r) => r.datname);
  })();
  const found: ForeignAttributeOption[] = [];
  for (const database of databases) {
    await using session = await cluster.admin(database);
    // 16384 is FirstNormalObjectId: objects initdb made are never dumped by pg_upgrade.
    const rows = await session.query<{ col: string; option: string }>(
      `SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname) AS col, split_part(o, '=', 1) AS option
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         CROSS JOIN LATERAL unnest(a.attoptions) AS o
        WHERE a.attrelid >= 16384 AND a.attnum > 0 AND NOT a.attisdropped
          AND split_part(o, '=', 1) <> ALL ($1::text[])
        ORDER BY 1, 2`,
      [KNOWN_ATTRIBUTE_OPTIONS],
    );
    for (const r of rows) found.push({ database, column: r.col, option: r.option });
  }
  return found;
}

/** Throws, naming the columns, when blue has attribute options the new server would refuse. */
export function refuseForeignAttributeOptions(found: ForeignAttributeOption[], action = 'pg-upgrade'): void {
  if (!found.length) return;
  const options = [...new Set(found.map((f) => f.option))].join(', ');
  const sample = found.slice(0, 5).map((f) => `${f.database}: ${f.column}`).join('; ');
  const short = `${action}: ${found.length} column(s) carry attribute options PostgreSQL does not know (${options}), which a restore of the schema would replay and the new server refuse: ${sample}${found.length > 5 ? '; …' : ''}`;
  throw new CutoverError('provision', short, {
    message:
      `${short}\npg_upgrade --check does not look at them; the upgrade or restore itself would fail ("unrecognized parameter") after blue stopped taking writes. ` +
      `Remove them on blue first (ALTER TABLE … ALTER COLUMN … RESET (${options}) for tables).\n${found.map((f) => `${f.database}: ${f.column} (${f.option})`).join('\n')}`,
  });
}

/**
 * Removes attribute options outside PostgreSQL's own from one database of a server cutover
 * provisioned (the rehearsal's own dataset and soak schema on the lab's Debian 15, which marks
 * every column): the rehearsal then measures the upgrade path, not that build's quirk. Never
 * run on a user's server: there the actions and the compatibility rehearsal report the columns.
 */
export async function clearForeignAttributeOptions(app: { query: (sql: string, params?: unknown[]) => Promise<unknown[]> }): Promise<number> {
  // Views cannot RESET a column option, hence the catalog; 16384 is FirstNormalObjectId.
  const rows = await app.query(
    `UPDATE pg_catalog.pg_attribute a SET attoptions = NULLIF(ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE split_part(o, '=', 1) = ANY ($1::text[])), '{}')
      WHERE a.attrelid >= 16384 AND a.attoptions IS NOT NULL
        AND EXISTS (SELECT 1 FROM unnest(a.attoptions) o WHERE split_part(o, '=', 1) <> ALL ($1::text[]))
      RETURNING a.attrelid`,
    [KNOWN_ATTRIBUTE_OPTIONS],
  );
  return rows.length;
}
