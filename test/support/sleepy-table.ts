import type { LocalServer } from '../../scenarios/providers/index.js';
import type { Session } from '../../core/session.js';
import type { ChildProcess } from 'node:child_process';
import { waitFor } from './lab.js';

/**
 * A database `db` where `role` (password `rls-pw`) reads table `fast` at once and table `slow`
 * only after a minute (a row-level security policy that sleeps): a validation interrupted while
 * it reads `slow` has compared `fast` and not `slow`. Returns the role's URL for the database.
 */
export async function createSleepyDatabase(server: LocalServer, role: string, db: string): Promise<string> {
  await using admin = await server.admin();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'rls-pw'`);
  await admin.query(`CREATE DATABASE ${db}`);
  await using c = await server.admin(db);
  await c.query(`CREATE TABLE fast (id int PRIMARY KEY); INSERT INTO fast VALUES (1);
    CREATE TABLE slow (id int PRIMARY KEY); INSERT INTO slow VALUES (1);
    ALTER TABLE slow ENABLE ROW LEVEL SECURITY; CREATE POLICY sleepy ON slow FOR SELECT USING ((SELECT true FROM pg_sleep(60)));
    GRANT SELECT ON fast, slow TO ${role}`);
  return `postgresql://${role}:rls-pw@127.0.0.1:${server.port}/${db}`;
}

/** An onSpawn for runCli: SIGINT once `sleeping` says the slow table is being read (SIGKILL if it never is). */
export function interruptWhen(sleeping: () => Promise<boolean>): (child: ChildProcess) => void {
  return (child) =>
    void waitFor(sleeping, 'the validation to reach the slow table').then(
      () => child.kill('SIGINT'),
      () => child.kill('SIGKILL'),
    );
}

/** Whether a session matching `where` (on pg_stat_activity) sleeps in the policy. */
export function sleepingIn(admin: Session, where: string): () => Promise<boolean> {
  return async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE ${where} AND wait_event = 'PgSleep'`)).length > 0;
}
