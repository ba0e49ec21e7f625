import type { DataValidationRecord } from '../../run/manifest.js';
import { compareDigests } from '../../validate/compare-digests.js';
import { computeDigests, type StoredDigests } from '../../validate/stored-digests.js';
import type { ParsedStep } from '../actions/registry.js';
import type { Scenario } from '../scenario-types.js';
import type { Cluster } from '../topology/cluster.js';
import { dataAskedFor, dataSettings, rehearsalJobs } from './data-settings.js';

/**
 * In-place upgrades (`minor-restart`, `pg-upgrade --link`) leave no old server to compare with:
 * the pre-checks store per-bucket digests of blue's data, the post-checks recompute them on the
 * final writer over the same buckets. Only when the scenario asks for data validation.
 */

/** The first in-place step (0-based), when the scenario's data validation covers one. */
export function inPlaceStep(scenario: Scenario, steps: readonly ParsedStep[]): number | undefined {
  if (!dataAskedFor(scenario)) return undefined;
  const i = steps.findIndex((s) => s.definition.name === 'minor-restart' || s.definition.name === 'image-swap' || (s.definition.name === 'pg-upgrade' && (s.params as { mode?: string }).mode === 'link'));
  return i < 0 ? undefined : i;
}

/** Blue's digests, read-only, in one snapshot. */
export async function storeDigests(scenario: Scenario, blue: Cluster, signal: AbortSignal): Promise<StoredDigests> {
  const settings = dataSettings(scenario, true);
  return computeDigests({
    endpoint: blue.endpoint(),
    tables: settings?.tables ?? [],
    exclude: settings?.exclude ?? [],
    ...(settings?.rowsPerBucket ? { rowsPerBucket: settings.rowsPerBucket } : {}),
    ...(settings ? { jobs: rehearsalJobs(settings, 1) } : {}),
    signal,
  });
}

/** The same buckets on the final writer, compared with those stored: the run's `digests` record and the digests taken. */
export async function recomputeDigests(
  scenario: Scenario,
  stored: StoredDigests,
  writer: Cluster,
  step: number,
  signal: AbortSignal,
): Promise<{ record: DataValidationRecord; digests: StoredDigests }> {
  const settings = dataSettings(scenario, true);
  const digests = await computeDigests({
    endpoint: writer.endpoint(),
    tables: settings?.tables ?? [],
    exclude: settings?.exclude ?? [],
    like: stored,
    ...(settings ? { jobs: rehearsalJobs(settings, 1) } : {}),
    signal,
  });
  return { digests, record: { step: step + 1, source: 'blue', target: writer.role, at: 'digests', result: compareDigests(stored, digests) } };
}
