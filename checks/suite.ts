import { CutoverError, errorInfo, errorLine } from '../core/errors.js';
import { type Endpoint, publicEndpoint, withDatabase } from '../core/endpoint.js';
import { openSession, type Session } from '../core/session.js';
import type { ResolvedConfig } from '../core/config.js';
import { toolVersion } from '../core/tool-version.js';
import { type CheckContext, type CheckDefinition, type Suite, isSkipped } from './define-check.js';
import { SNAPSHOT_SCHEMA_VERSION, type ServerIdentity, type Snapshot, type SnapshotCheck } from './snapshot.js';
import { selectChecks } from './select.js';

export interface RunSuiteOptions {
  endpoint: Endpoint;
  suite: Suite;
  config: ResolvedConfig;
  /** The checks to run; default the whole catalog filtered by the config. */
  checks?: readonly CheckDefinition[];
  /** Called as each check ends, for progress lines. */
  onCheck?: (id: string, result: SnapshotCheck) => void;
  /** Ctrl-C: cuts a connection attempt under way and stops before the next check. */
  signal?: AbortSignal;
}

/**
 * Runs a suite of checks over read-only sessions and returns the snapshot. A check that fails
 * to look is recorded as `error` and the suite goes on; only an unreachable server throws.
 */
export async function runSuite(options: RunSuiteOptions): Promise<Snapshot> {
  const started = performance.now();
  const takenAt = new Date().toISOString();
  const { config, suite } = options;
  const sessionOptions = {
    readOnly: true,
    statementTimeoutMs: config.checks.statementTimeoutMs,
    lockTimeoutMs: config.checks.lockTimeoutMs,
    applicationName: 'cutover',
    signal: options.signal,
  };
  const db = await openSession(options.endpoint, sessionOptions);
  const sessions = new Map<string, Session>([[options.endpoint.database, db]]);
  const extra: Session[] = [];
  try {
    const server = await serverIdentity(db);
    let databaseList: Promise<string[]> | undefined;
    const ctx: CheckContext = {
      db,
      serverVersionNum: db.serverVersionNum,
      suite,
      config,
      databases: () =>
        (databaseList ??= db
          .query<{ datname: string }>(
            `SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname`,
          )
          .then((rows) => rows.map((r) => r.datname))),
      async connect(database: string) {
        const existing = sessions.get(database);
        if (existing) return existing;
        const session = await openSession(withDatabase(options.endpoint, database), sessionOptions);
        sessions.set(database, session);
        return session;
      },
      async openSession(database: string) {
        const session = await openSession(withDatabase(options.endpoint, database), sessionOptions);
        extra.push(session);
        return session;
      },
      skip: (reason: string) => ({ skipped: true, reason }),
    };
    const checks = options.checks ?? (await import('./catalog.js')).CATALOG;
    const selected = selectChecks(checks, config).filter((c) => !c.suites || c.suites.includes(suite));
    const results: Record<string, SnapshotCheck> = {};
    for (const check of selected) {
      options.signal?.throwIfAborted();
      const t0 = performance.now();
      let result: SnapshotCheck;
      try {
        const data = await check.collect(ctx);
        const durationMs = Math.round(performance.now() - t0);
        result = isSkipped(data)
          ? { title: check.title, status: 'skipped', durationMs, reason: data.reason }
          : { title: check.title, status: 'ok', durationMs, data };
      } catch (error) {
        if (error instanceof CutoverError && (error.code === 'connect' || error.code === 'auth')) throw error;
        const info = errorInfo(error);
        result = { title: check.title, status: 'error', durationMs: Math.round(performance.now() - t0), reason: errorLine(error), error: info };
      }
      results[check.id] = result;
      options.onCheck?.(check.id, result);
    }
    return {
      kind: 'cutover.snapshot',
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      tool: { name: 'cutover', version: toolVersion() },
      suite,
      takenAt,
      durationMs: Math.round(performance.now() - started),
      endpoint: publicEndpoint(options.endpoint),
      server,
      checks: results,
    };
  } finally {
    await Promise.all([...sessions.values(), ...extra].map((s) => s.close()));
  }
}

async function serverIdentity(db: Session): Promise<ServerIdentity> {
  const [row] = await db.query<{ version: string; num: string; recovery: boolean }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num, pg_is_in_recovery() AS recovery`,
  );
  const versionNum = Number(row?.num);
  const identity: ServerIdentity = {
    version: String(row?.version ?? '').split(' ')[0] ?? '',
    versionNum,
    major: Math.floor(versionNum / 10000),
    inRecovery: Boolean(row?.recovery),
  };
  try {
    const [sys] = await db.query<{ id: string }>(`SELECT system_identifier::text AS id FROM pg_control_system()`);
    if (sys) identity.systemIdentifier = sys.id;
  } catch {
    // pg_control_system needs pg_read_server_files or superuser on some versions; identity is optional.
  }
  return identity;
}
