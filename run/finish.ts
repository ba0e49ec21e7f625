import type { ResolvedConfig } from '../core/config.js';
import type { RunManifest } from './manifest.js';

/** What closing a run needs: its directory, its manifest, when it started and the checks' configuration. */
export interface RunToFinish {
  runDir: string;
  manifest: RunManifest;
  started: number;
  config: ResolvedConfig;
}

/**
 * Closes a run: diffs its snapshots, decides the verdict, writes run.json and renders the report.
 * The runner calls it whatever happened; the layer above it (the command line) supplies it, since
 * the differ and the renderers live above the runner (reports/finish-run.ts).
 */
export type FinishRun = (run: RunToFinish) => Promise<void>;
