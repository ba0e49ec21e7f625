import type { Finding, FindingInput, FindingSource } from './finding.js';

/** A check's finding with its id (`<checkId>/<key>`), check id and source. */
export function toFinding(checkId: string, input: FindingInput, source: FindingSource): Finding {
  return { ...input, id: `${checkId}/${input.key}`, checkId, source };
}
