import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { readTimeline } from '../../load/timeline-reader.js';
import type { BaselineRecord, BaselineSide } from '../../run/baseline-record.js';
import type { RunManifest } from '../../run/manifest.js';
import type { BaselineSideInput } from './baseline-comparison.js';

/** A baseline found in a run: where, and which repeats. */
interface Found {
  record: BaselineRecord;
  /** `side a`, `blue`, … */
  part: string;
  side?: BaselineSide;
}

/** The baselines a run holds, in the order one-argument comparisons pair them (A first). */
function baselinesOf(m: RunManifest): Found[] {
  const out: Found[] = [];
  if (m.baseline) {
    const sides = new Set(m.baseline.repeats.map((r) => r.side));
    if (sides.has('a')) out.push({ record: m.baseline, part: sides.has('b') ? 'side a' : 'baseline', side: 'a' });
    if (sides.has('b')) out.push({ record: m.baseline, part: 'side b', side: 'b' });
  }
  if (m.baselines?.blue) out.push({ record: m.baselines.blue, part: 'blue' });
  if (m.baselines?.green) out.push({ record: m.baselines.green, part: 'green' });
  return out;
}

/** Whether a run holds any baseline (`cutover baseline`, or a rehearsal's baseline section). */
export function hasBaseline(m: RunManifest): boolean {
  return baselinesOf(m).length > 0;
}

async function readSide(label: string, dir: string, found: Found): Promise<BaselineSideInput> {
  const repeats = found.record.repeats.filter((r) => found.side === undefined || r.side === found.side);
  const withBuckets = await Promise.all(
    repeats.map(async (repeat) => {
      try {
        return { repeat, buckets: await readTimeline(join(dir, repeat.timeline)) };
      } catch (error) {
        const message = error instanceof CutoverError ? error.shortMessage : (error as Error).message;
        throw new CutoverError('input', `${label} ${dir}: repeat ${repeat.index} (${found.part}): ${message}`, { cause: error });
      }
    }),
  );
  return { label, source: `${dir} (${found.part})`, record: found.record, repeats: withBuckets };
}

/**
 * The two sides of a baseline comparison. One run (`cutover compare RUN`): its side a against
 * side b (a baseline run with `--against`), or blue against green (a rehearsal's baselines).
 * Two runs: each run's first baseline (side a, or blue). Null when the runs hold no baseline.
 */
export async function readBaselineSides(a: { dir: string; manifest: RunManifest }, b?: { dir: string; manifest: RunManifest }): Promise<[BaselineSideInput, BaselineSideInput] | null> {
  const foundA = baselinesOf(a.manifest);
  if (!b) {
    if (foundA.length < 2) {
      throw new CutoverError(
        'usage',
        `RUN ${a.dir}: one run compares the two sides of its baseline (cutover baseline --against URL_B) or its blue and green baselines (a rehearsal's baseline section); this run has ${foundA.length === 0 ? 'no baseline' : `only ${foundA[0]?.part}`}. Give two run directories instead: cutover compare RUN_A RUN_B`,
      );
    }
    return Promise.all([readSide('A', a.dir, foundA[0] as Found), readSide('B', a.dir, foundA[1] as Found)]);
  }
  const foundB = baselinesOf(b.manifest);
  if (foundA.length === 0 && foundB.length === 0) return null;
  if (foundA.length === 0 || foundB.length === 0) {
    const which = foundA.length === 0 ? `RUN_A ${a.dir}` : `RUN_B ${b.dir}`;
    throw new CutoverError('input', `${which} holds no baseline while the other run does: a baseline compares only with a baseline (run cutover baseline on both)`);
  }
  return Promise.all([readSide('A', a.dir, foundA[0] as Found), readSide('B', b.dir, foundB[0] as Found)]);
}
