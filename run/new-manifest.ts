import { toolVersion } from '../core/tool-version.js';
import { RUN_SCHEMA_VERSION, type RunManifest } from './manifest.js';

/**
 * The one place a run's manifest is made: `running`, no steps, no files yet. Every command that
 * makes a run directory (soak, rehearse, run) starts from here and adds to what this returns.
 */
export function newRunManifest(o: { name: string; method: string; started: number; config: Record<string, unknown>; endpoints?: RunManifest['endpoints']; files?: RunManifest['files'] }): RunManifest {
  return {
    kind: 'cutover.run',
    schemaVersion: RUN_SCHEMA_VERSION,
    tool: { name: 'cutover', version: toolVersion() },
    name: o.name,
    startedAt: new Date(o.started).toISOString(),
    endedAt: null,
    durationMs: null,
    verdict: 'running',
    method: o.method,
    config: o.config,
    endpoints: o.endpoints ?? {},
    steps: [],
    files: o.files ?? {},
  };
}
