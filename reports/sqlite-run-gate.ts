import type { ResolvedConfig } from '../core/config.js';
import type { Finding } from '../checks/finding.js';
import type { Snapshot } from '../checks/snapshot.js';
import type { SqliteSnapshot } from '../checks/sqlite/sqlite-snapshot.js';
import { sqliteFindings } from '../checks/sqlite/sqlite-findings.js';
import { buildDiffReport, type DiffReport } from './diff-report.js';
import { evaluateSnapshot } from './evaluate.js';
import { applyGate } from './gate.js';

/**
 * The findings of a move off SQLite, gated: nothing to diff (a file before, a server after), so
 * the file's own checks (integrity, foreign keys), the post-checks on PostgreSQL evaluated alone
 * (as `cutover check` does), and `more` (data validation's `data/*`, the rollback matrix's
 * `migration/*`). The report's "before" side names the file.
 */
export function sqliteRunReport(sqlite: SqliteSnapshot, post: Snapshot, config: ResolvedConfig, more: readonly Finding[]): DiffReport {
  const findings = [...sqliteFindings(sqlite), ...evaluateSnapshot(post, config), ...more];
  const pre: Snapshot = {
    ...post,
    suite: 'pre',
    takenAt: sqlite.takenAt,
    durationMs: sqlite.durationMs,
    endpoint: { host: 'sqlite', port: 0, database: sqlite.file, user: '', sslmode: post.endpoint.sslmode },
    server: { version: `SQLite ${sqlite.sqliteVersion}`, versionNum: 0, major: 0, inRecovery: false },
    checks: {},
  };
  return buildDiffReport({ pre, post, findings, policy: config.gate, gate: applyGate(findings, config.gate) });
}
