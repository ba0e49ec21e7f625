import { SNAPSHOT_SCHEMA_VERSION, type Snapshot, type SnapshotCheck } from '../../checks/snapshot.js';
import type { Suite } from '../../checks/define-check.js';

/** A small in-memory snapshot for unit tests: only what the differ and renderers read. */
export function snapshotOf(
  suite: Suite,
  checks: Record<string, Partial<SnapshotCheck>>,
  server: { version?: string; versionNum?: number } = {},
): Snapshot {
  const versionNum = server.versionNum ?? (suite === 'pre' ? 160004 : 160014);
  return {
    kind: 'cutover.snapshot',
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    tool: { name: 'cutover', version: '0.1.0' },
    suite,
    takenAt: suite === 'pre' ? '2025-01-01T10:00:00.000Z' : '2025-01-01T10:05:00.000Z',
    durationMs: 1234,
    endpoint: { host: '127.0.0.1', port: 5432, database: 'app', user: 'postgres', sslmode: 'disable' },
    server: { version: server.version ?? (suite === 'pre' ? '16.4' : '16.14'), versionNum, major: Math.floor(versionNum / 10000), inRecovery: false },
    checks: Object.fromEntries(
      Object.entries(checks).map(([id, c]) => [id, { title: c.title ?? id, status: c.status ?? 'ok', durationMs: c.durationMs ?? 5, ...c }]),
    ),
  };
}
