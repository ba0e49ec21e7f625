import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../core/config.js';
import { errorLine } from '../core/errors.js';
import { readSnapshot } from '../checks/snapshot.js';
import type { RunManifest } from '../run/manifest.js';
import { writeJsonAtomic } from '../run/run-directory.js';
import { PRE_SNAPSHOT_FILE } from '../run/run-files.js';
import { diffAndGate } from './diff-and-gate.js';

/**
 * What each stretch between checks changed (each hop of a chained upgrade): every `check` step's
 * snapshot diffed against the one before it, the pre-checks' or the previous check step's. The
 * findings go to `findings.json` in the step's directory and their counts and verdict to the
 * step's `details.diff`. Informative, not gated: the run's verdict is pre against post.
 */
export async function diffCheckSteps(runDir: string, manifest: RunManifest, config: ResolvedConfig): Promise<void> {
  let previous = existsSync(join(runDir, PRE_SNAPSHOT_FILE)) ? PRE_SNAPSHOT_FILE : undefined;
  for (const step of manifest.steps) {
    const snapshot = step.action === 'check' && step.status === 'ok' ? step.details?.snapshot : undefined;
    if (typeof snapshot !== 'string') continue;
    if (previous) {
      try {
        const report = diffAndGate(await readSnapshot(join(runDir, previous)), await readSnapshot(join(runDir, snapshot)), config);
        const file = join(dirname(snapshot), 'findings.json');
        await writeJsonAtomic(join(runDir, file), report);
        step.details = { ...step.details, diff: { against: previous, findings: file, verdict: report.verdict, ...report.summary.findings } };
      } catch (error) {
        step.details = { ...step.details, diff: { against: previous, error: errorLine(error) } };
      }
    }
    previous = snapshot;
  }
}
