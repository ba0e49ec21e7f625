import type { RunComparison } from './comparison.js';

/** The comparison as JSON, the `--json` output: the model exactly as renderers see it. */
export function renderComparisonJson(c: RunComparison): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}
