import { readFile, stat } from 'node:fs/promises';
import { FINDINGS_FILE, POST_SNAPSHOT_FILE, TIMELINE_FILE } from '../../run/run-files.js';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { readSnapshot, type Snapshot } from '../../checks/snapshot.js';
import { readTimeline } from '../../load/timeline-reader.js';
import type { TimelineBucket } from '../../load/timeline-types.js';
import type { RunManifest } from '../../run/manifest.js';
import type { DiffReport } from '../diff-report.js';
import { readRunManifest } from '../../run/read-run.js';

/** What a comparison reads from one run directory; null for a file the run does not have. */
export interface RunInputs {
  /** The directory as given. */
  dir: string;
  manifest: RunManifest;
  timeline: TimelineBucket[] | null;
  post: Snapshot | null;
  findings: DiffReport | null;
}

/**
 * Reads a run directory for `cutover compare`. `label` (`RUN_A`, `RUN_B`) starts every error,
 * which is an input error: a directory without run.json, or a file that exists but is malformed.
 * A missing timeline, post snapshot or findings file is not an error: that part stays empty.
 */
export async function readRunInputs(label: string, dir: string): Promise<RunInputs> {
  const labelled = <T>(promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      if (error instanceof CutoverError) throw new CutoverError(error.code, `${label} ${error.shortMessage}`, { cause: error });
      throw error;
    });
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new CutoverError('input', `${label} ${dir}: not a directory (expected a run directory holding run.json)`);
  }
  const manifest = await labelled(readRunManifest(dir));
  const file = (key: string, fallback: string) => join(dir, manifest.files?.[key] ?? fallback);
  const timelinePath = file('timeline', TIMELINE_FILE);
  const postPath = file('postSnapshot', POST_SNAPSHOT_FILE);
  const findingsPath = file('findings', FINDINGS_FILE);
  const [timeline, post, findings] = await Promise.all([
    (await exists(timelinePath)) ? labelled(readTimeline(timelinePath)) : null,
    (await exists(postPath)) ? labelled(readSnapshot(postPath)) : null,
    (await exists(findingsPath)) ? labelled(readFindings(findingsPath)) : null,
  ]);
  return { dir, manifest, timeline, post, findings };
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function readFindings(path: string): Promise<DiffReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CutoverError('input', `${path}: not readable findings (${(error as Error).message})`, { cause: error });
  }
  const report = parsed as Partial<DiffReport> | null;
  if (report?.kind !== 'cutover.findings' || !Array.isArray(report.findings)) {
    throw new CutoverError('input', `${path}: not cutover findings (expected "kind": "cutover.findings" and a "findings" list)`);
  }
  return report as DiffReport;
}
