import { join } from 'node:path';
import { errorLine } from '../core/errors.js';
import { FLAGGED_CLASSES, FLAGGED_IDS_FILE, writeFlaggedIds, type FlaggedIdsInput } from '../load/flagged-ids-file.js';
import type { RunManifest, StepRecord } from './manifest.js';

/**
 * Writes the run directory's list of every lost, unexpected, duplicated and late id, each with
 * the step it was due in, and names it in run.json. A file that cannot be written is logged,
 * never a reason to change the verdict: `cutover verify --ids FILE` can list them again.
 */
export async function recordFlaggedIds(o: { runDir: string; manifest: RunManifest; input: Omit<FlaggedIdsInput, 'steps'>; log: (line: string) => void }): Promise<void> {
  // Skipped steps have no figures (the soak did not run through them): no id belongs to one.
  const steps = o.manifest.steps.filter((s) => s.status !== 'skipped').map((s) => ({ name: s.name, startedAt: Date.parse(s.startedAt), endedAt: Date.parse(s.endedAt), ...claimedLost(s) }));
  try {
    const counts = await writeFlaggedIds(join(o.runDir, FLAGGED_IDS_FILE), { ...o.input, steps });
    o.manifest.files.flaggedIds = FLAGGED_IDS_FILE;
    const named = FLAGGED_CLASSES.filter((c) => counts[c] > 0).map((c) => `${counts[c]} ${c}`);
    if (named.length) o.log(`${named.join(', ')}: ids in ${FLAGGED_IDS_FILE}`);
  } catch (error) {
    o.log(`flagged ids: ${errorLine(error)}`);
  }
}

/**
 * The lost ids a step claims (a promotion's `lostAtPromotion` details: acknowledged by the old
 * primary, never received by the promoted standby), which are its own whenever they were due.
 */
export function claimedLost(step: StepRecord): { claimedLost?: ReadonlySet<string> } {
  const lost = (step.details as { lostAtPromotion?: { ids?: unknown } } | undefined)?.lostAtPromotion;
  if (!lost || !Array.isArray(lost.ids) || !lost.ids.length) return {};
  return { claimedLost: new Set(lost.ids.map(String)) };
}
