import { readFile, writeFile } from 'node:fs/promises';
import { CutoverError } from '../core/errors.js';
import type { PublicEndpoint } from '../core/endpoint.js';
import type { CheckResult, Suite } from './define-check.js';

/** Bumped whenever the shape of a snapshot changes incompatibly; the differ refuses mixes. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

export interface ServerIdentity {
  /** `server_version`, e.g. `17.10`. */
  version: string;
  /** `server_version_num`, e.g. 170010. */
  versionNum: number;
  major: number;
  /** `pg_control_system().system_identifier` when readable. */
  systemIdentifier?: string;
  inRecovery: boolean;
}

export interface SnapshotCheck extends CheckResult {
  title: string;
}

export interface Snapshot {
  kind: 'cutover.snapshot';
  schemaVersion: number;
  tool: { name: 'cutover'; version: string };
  suite: Suite;
  takenAt: string;
  durationMs: number;
  endpoint: PublicEndpoint;
  server: ServerIdentity;
  checks: Record<string, SnapshotCheck>;
}

export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/** Reads a snapshot file, refusing anything that is not a snapshot of this schema version. */
export async function readSnapshot(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CutoverError('input', `${path}: cannot read snapshot (${code ?? (error as Error).message})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CutoverError('input', `${path}: not a snapshot: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const s = parsed as Partial<Snapshot>;
  if (typeof s === 'object' && s !== null && (s.kind as string) === 'sqlite') {
    throw new CutoverError('input', `${path}: a SQLite file's snapshot (cutover check --db sqlite:…), not a PostgreSQL one: cutover diff compares two PostgreSQL snapshots; a move off SQLite is compared by cutover validate --source sqlite:PATH`);
  }
  if (typeof s !== 'object' || s === null || s.kind !== 'cutover.snapshot') {
    throw new CutoverError('input', `${path}: not a cutover snapshot (expected "kind": "cutover.snapshot")`);
  }
  if (s.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    throw new CutoverError(
      'input',
      `${path}: snapshot schema version ${String(s.schemaVersion)} is not supported (expected ${SNAPSHOT_SCHEMA_VERSION}); take it again with this version of cutover`,
    );
  }
  if (typeof s.checks !== 'object' || s.checks === null || typeof s.server !== 'object') {
    throw new CutoverError('input', `${path}: malformed snapshot: "checks" and "server" are required`);
  }
  return s as Snapshot;
}
