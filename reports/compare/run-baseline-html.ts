import { errorInfo } from '../../core/errors.js';
import type { RunManifest } from '../../run/manifest.js';
import type { BaselineComparisonHtml } from '../baseline-html.js';
import { escapeHtml as h } from '../escape.js';
import { compareBaselines } from './baseline-comparison.js';
import { readBaselineSides } from './baseline-inputs.js';
import { baselineSection } from './baseline-html.js';
import { COMPARE_CSS } from './compare-style.js';

/**
 * The comparison of a rehearsal's blue and green baselines, or of the two sides of a baseline run
 * with `--against`, for its report (report-page.ts's
 * `compareBaselines` hook): read and computed ahead (the page renders synchronously), with the
 * default confidence, iterations and seed of `cutover compare`, so both print the same intervals.
 * Undefined for a run without two; a comparison that cannot be read says why on the page.
 */
export async function runBaselineComparison(runDir: string, run: RunManifest): Promise<BaselineComparisonHtml | undefined> {
  const twoSides = run.baseline?.repeats.some((r) => r.side === 'b') === true;
  if (!twoSides && (!run.baselines?.blue || !run.baselines.green)) return undefined;
  let html: string;
  try {
    const sides = await readBaselineSides({ dir: runDir, manifest: run });
    html = sides ? `<style>${COMPARE_CSS}</style>\n${baselineSection(compareBaselines(sides[0], sides[1]), false)}` : '';
  } catch (error) {
    html = `<p class="muted">The comparison could not be computed: ${h(errorInfo(error).message)}</p>`;
  }
  return () => html || undefined;
}
