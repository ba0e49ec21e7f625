import { join } from 'node:path';
import { runSuite } from '../../checks/suite.js';
import { writeSnapshot, type Snapshot } from '../../checks/snapshot.js';
import type { ManifestPart } from '../../run/manifest-part.js';
import { POST_SNAPSHOT_FILE, PRE_SNAPSHOT_FILE } from '../../run/run-files.js';
import type { Cluster } from '../topology/cluster.js';
import { noteOnFailedStep } from './failed-step-note.js';
import { checkAbort, topologyOf, type RunContext } from './run-context.js';

/** The pre-checks on blue, into `pre.snapshot.json`. */
export async function preChecks(run: RunContext): Promise<ManifestPart> {
  checkAbort(run.signal);
  const topology = topologyOf(run);
  const blue = topology.get('blue');
  run.log(`pre-checks on blue (${describe(blue)})`);
  const pre = await runSuite({ endpoint: blue.endpoint(), suite: 'pre', config: run.held.checks });
  await writeSnapshot(join(run.runDir, PRE_SNAPSHOT_FILE), pre);
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
    await writeSnapshot(join(run.runDir, POST_SNAPSHOT_FILE), post);
    run.log(`post-checks: ${summarise(post)} on PostgreSQL ${post.server.version}`);
    return { files: { postSnapshot: POST_SNAPSHOT_FILE } };
  } catch (error) {
    return { steps: noteOnFailedStep(run, 'post-checks', error) };
  }
}

function describe(c: Cluster): string {
  return `${c.provider} PostgreSQL ${c.version}`;
}

function summarise(s: Snapshot): string {
  const counts = { ok: 0, skipped: 0, error: 0 };
  for (const c of Object.values(s.checks)) counts[c.status]++;
  return `${counts.ok} ok, ${counts.skipped} skipped, ${counts.error} error`;
}
