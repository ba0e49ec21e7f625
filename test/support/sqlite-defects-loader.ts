/**
 * A user's copy script with the mistakes such scripts make, for `--load-command`: it loads the
 * SQLite file named by CUTOVER_SQLITE_PATH into DATABASE_URL with cutover's built-in loader, then
 * breaks the copy the way a careless one does: a row dropped, a JSON value altered, a timestamp
 * shifted by one hour (a time zone mistake), a foreign key orphaned, a NULL in a column the app
 * requires. Run by the rehearsal's `sqlite-migrate` step (test/integration/rehearse-sqlite.test.ts).
 */
import { resolveEndpoint } from '../../core/resolve-endpoint.js';
import { openSession } from '../../core/session.js';
import { loadSqlite } from '../../scenarios/sqlite/builtin-loader.js';

/** The rows each defect touches (the test expects these ids). */
const DEFECTS = {
  jsonAltered: 7,
  timestampShifted: 11,
  orphaned: 13,
  nulled: 17,
} as const;

async function main(): Promise<void> {
  const file = process.env.CUTOVER_SQLITE_PATH;
  const url = process.env.DATABASE_URL;
  if (!file || !url) throw new Error('CUTOVER_SQLITE_PATH and DATABASE_URL must be set');
  const target = resolveEndpoint({ url, urlLabel: 'DATABASE_URL' }, {});
  await loadSqlite({ source: { path: file, text: file }, target, log: (line) => console.log(line) });
  await using pg = await openSession(target, { applicationName: 'copy-script', readOnly: false });
  const dropped = await pg.query('DELETE FROM resource_tags WHERE ctid = (SELECT ctid FROM resource_tags ORDER BY resource_id, tag_id LIMIT 1) RETURNING resource_id');
  if (dropped.length !== 1) throw new Error(`copy-script: expected to drop one tag row, dropped ${dropped.length}`);
  await pg.query(`UPDATE resources SET subjects = '[{"name": "altered"}]' WHERE id = ${DEFECTS.jsonAltered}`);
  await pg.query(`UPDATE resources SET created_at = created_at + interval '1 hour' WHERE id = ${DEFECTS.timestampShifted}`);
  // Foreign keys not enforced while copying (as a bulk copy with triggers off does).
  await pg.query(`SET session_replication_role = replica; UPDATE resources SET owner_id = 999999 WHERE id = ${DEFECTS.orphaned}; SET session_replication_role = DEFAULT`);
  await pg.query(`ALTER TABLE resources ALTER COLUMN title DROP NOT NULL; UPDATE resources SET title = NULL WHERE id = ${DEFECTS.nulled}`);
  console.log('copy-script: done');
}

await main();
