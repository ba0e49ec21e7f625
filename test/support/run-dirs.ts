import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunManifest } from '../../run/manifest.js';

/** The one run directory a command left under `parent` (a test's own runs directory). */
export function onlyRunDir(parent: string): string {
  const dirs = readdirSync(parent);
  expect(dirs).toHaveLength(1);
  return join(parent, dirs[0] as string);
}

/** A run directory's run.json. */
export function readRun(runDir: string): RunManifest {
  return JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
}
