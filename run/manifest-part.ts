import type { RunManifest } from './manifest.js';

/**
 * What one phase of a run adds to its manifest. `files` and `endpoints` add to those already
 * named; every other field replaces the manifest's (`steps` and `data` are the whole lists).
 */
export type ManifestPart = Partial<Pick<RunManifest, 'config' | 'steps' | 'soak' | 'baselines' | 'data' | 'source' | 'migration' | 'keptData' | 'error' | 'interrupted' | 'verdict' | 'files' | 'endpoints'>>;

/** Merges what a phase returned into the run's manifest: the one place a run's manifest changes while it runs. */
export function mergeManifest(manifest: RunManifest, part: ManifestPart): void {
  const { files, endpoints, ...rest } = part;
  Object.assign(manifest, rest);
  if (files) Object.assign(manifest.files, files);
  if (endpoints) Object.assign(manifest.endpoints, endpoints);
}
