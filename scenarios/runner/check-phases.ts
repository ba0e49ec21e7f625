import { join } from 'node:path';
import { runSuite } from '../../checks/suite.js';
import { writeSnapshot, type Snapshot } from '../../checks/snapshot.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import { POST_SNAPSHOT_FILE, PRE_SNAPSHOT_FILE } from '../../run/run-files.js';
import type { Cluster } from '../topology/cluster.js';
import type { StoredDigests } from '../../validate/stored-digests.js';
import { inPlaceStep, recomputeDigests, storeDigests } from '../data/run-digests.js';
import { noteOnFailedStep } from './failed-step-note.js';
import { checkAbort, topologyOf, type RunContext } from './run-context.js';
import { runSqliteSuite } from '../../checks/sqlite/sqlite-suite.js';
import { writeJsonAtomic } from '../../run/run-directory.js';
import { SQLITE_SNAPSHOT_FILE } from '../../run/run-files.js';
import type { SqliteSource } from '../sqlite/sqlite-source.js';

/** The pre-checks on blue, into `pre.snapshot.json`. */
export async function preChecks(run: RunContext): Promise<ManifestPart> {
  checkAbort(run.signal);
  if (run.held.sqlite) return sqlitePreChecks(run, run.held.sqlite);
  const topology = topologyOf(run);
  const blue = topology.get('blue');
  run.log(`pre-checks on blue (${describe(blue)})`);
  const pre = await runSuite({ endpoint: blue.endpoint(), suite: 'pre', config: run.held.checks });
  // Before an in-place upgrade (nothing of blue is left to compare with after it): per-bucket digests, kept in the snapshot.
  if (inPlaceStep(run.scenario, run.steps) !== undefined) {
    const digests = await storeDigests(run.scenario, blue, run.signal);
    run.held.digests = digests;
    run.log(`data digests: ${digests.tables.length} table(s), ${digests.tables.reduce((n, t) => n + t.rows, 0)} rows, in ${digests.durationMs} ms`);
  }
  await writeSnapshot(join(run.runDir, PRE_SNAPSHOT_FILE), withDigests(pre, run.held.digests));
  run.log(`pre-checks: ${summarise(pre)} on PostgreSQL ${pre.server.version}`);
  return { files: { preSnapshot: PRE_SNAPSHOT_FILE } };
}

/**
 * The post-checks on the final writer itself (never through the switch), into
 * `post.snapshot.json`. After a failed step the writer may be down: that is noted on the step.
 */
export async function postChecks(run: RunContext): Promise<ManifestPart> {
  checkAbort(run.signal);
  const topology = topologyOf(run);
  const writer = topology.get(topology.writer);
  run.log(`post-checks on ${writer.role} (${describe(writer)})`);
  try {
    const post = await runSuite({ endpoint: writer.endpoint(), suite: 'post', config: run.held.checks });
    const stored = run.held.digests;
    const step = inPlaceStep(run.scenario, run.steps);
    const recomputed = stored && step !== undefined ? await recomputeDigests(run.scenario, stored, writer, step, run.signal) : undefined;
    await writeSnapshot(join(run.runDir, POST_SNAPSHOT_FILE), withDigests(post, recomputed?.digests));
    run.log(`post-checks: ${summarise(post)} on PostgreSQL ${post.server.version}`);
    if (!recomputed) return { files: { postSnapshot: POST_SNAPSHOT_FILE } };
    const { result } = recomputed.record;
    run.log(`data digests after the upgrade: ${result.outcome.toUpperCase()} (${result.summary.different} table(s) differ, in ${recomputed.digests.durationMs} ms)`);
    return { files: { postSnapshot: POST_SNAPSHOT_FILE }, data: [...(run.manifest.data ?? []), recomputed.record] };
  } catch (error) {
    return { steps: noteOnFailedStep(run, 'post-checks', error) };
  }
}

/** The snapshot with its data digests as a section of its own (`dataDigests`), read back by nothing but people and tools. */
function withDigests(snapshot: Snapshot, digests: StoredDigests | undefined): Snapshot {
  return digests ? Object.assign({ ...snapshot }, { dataDigests: digests }) : snapshot;
}

function describe(c: Cluster): string {
  return `${c.provider} PostgreSQL ${c.version}`;
}

function summarise(s: Snapshot): string {
  const counts = { ok: 0, skipped: 0, error: 0 };
  for (const c of Object.values(s.checks)) counts[c.status]++;
  return `${counts.ok} ok, ${counts.skipped} skipped, ${counts.error} error`;
}

/** A move off SQLite: the checks of the file (integrity, foreign keys, tables, row counts), into `sqlite.snapshot.json`. */
async function sqlitePreChecks(run: RunContext, source: SqliteSource): Promise<ManifestPart> {
  run.log(`pre-checks on blue (SQLite file ${source.location.path})`);
  const snapshot = await runSqliteSuite(source.location, { label: 'blue', signal: run.signal });
  await writeJsonAtomic(join(run.runDir, SQLITE_SNAPSHOT_FILE), snapshot);
  const rows = snapshot.tables.reduce((n, t) => n + t.rows, 0);
  run.log(`pre-checks: SQLite ${snapshot.sqliteVersion}, ${snapshot.tables.length} table(s), ${rows} rows, integrity ${snapshot.integrity.ok ? 'ok' : 'FAILED'}, ${snapshot.foreignKeyViolations.count} foreign key violation(s)`);
  return { files: { sqliteSnapshot: SQLITE_SNAPSHOT_FILE } };
}
