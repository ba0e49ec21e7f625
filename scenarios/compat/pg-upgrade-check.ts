import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecked } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import type { FindingInput } from '../../checks/finding.js';
import { freePort } from '../providers/free-port.js';
import { LocalServer } from '../providers/local-server.js';
import { serverUser } from '../providers/server-user.js';
import type { Cluster } from '../topology/cluster.js';
import { greenInitdbArgs, readClusterIdentity } from '../upgrade/green-initdb-args.js';
import { libpqEnv } from '../upgrade/libpq-env.js';
import { oldBindirOf } from '../upgrade/old-bindir.js';
import { runPgUpgrade } from '../upgrade/pg-upgrade-run.js';
import { hasTools } from '../upgrade/tool-bindir.js';

/** Check id of the pg_upgrade --check finding. */
export const PG_UPGRADE_CHECK_ID = 'compat.pg-upgrade';

const NEW_TOOLS = ['pg_upgrade', 'pg_basebackup', 'initdb', 'pg_ctl', 'postgres'] as const;

/** How the target's `pg_upgrade --check` went on a copy of the source. */
export interface PgUpgradeCheckResult {
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or pg_upgrade's own reason for refusing. */
  reason?: string;
  durationMs: number;
  /** pg_upgrade's output, kept under the rehearsal's directory. */
  outputFile?: string;
  finding?: FindingInput;
}

/**
 * The target's `pg_upgrade --check` against a throwaway copy of a local source: pg_basebackup
 * of the running source, started once with its own binaries so the copy is shut down cleanly
 * (pg_upgrade refuses a backup that was not), then checked against a new cluster initialised to
 * match it. The source is only read (a base backup), never stopped.
 */
export async function pgUpgradeCheck(o: { cluster: Cluster; newBindir: string; targetMajor: number; workDir: string; signal?: AbortSignal }): Promise<PgUpgradeCheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const server = o.cluster.local;
  if (!server) return { status: 'skipped', reason: `${o.cluster.role} is not a local server`, durationMs: 0 };
  if (!hasTools(o.newBindir, NEW_TOOLS)) {
    return { status: 'skipped', reason: `${o.newBindir} lacks some of ${NEW_TOOLS.join(', ')}`, durationMs: 0 };
  }
  let oldBindir;
  try {
    oldBindir = await oldBindirOf(o.cluster);
  } catch (error) {
    return { status: 'skipped', reason: error instanceof CutoverError ? error.shortMessage : String(error), durationMs: ms() };
  }
  await using _old = oldBindir;
  const identity = await (async () => {
    await using admin = await o.cluster.admin('postgres');
    return await readClusterIdentity(admin);
  })();
  const user = serverUser();
  const base = await mkdtemp(join(tmpdir(), 'cutover-compat-upgrade-'));
  try {
    if (user) await chown(base, user.uid, user.gid);
    await mkdir(o.workDir, { recursive: true });
    if (user) await chown(o.workDir, user.uid, user.gid);
    const copy = join(base, 'old');
    const asServer = { uid: user?.uid, gid: user?.gid, cwd: base, timeoutMs: 30 * 60_000, ...(o.signal ? { signal: o.signal } : {}) };
    await runChecked(
      join(o.newBindir, 'pg_basebackup'),
      ['--pgdata', copy, '--wal-method', 'stream', '--checkpoint', 'fast', '--no-sync', '--no-manifest'],
      { ...asServer, env: libpqEnv(server.endpoint('postgres')) },
    );
    // Recovery ends at the first start; a fast stop then leaves the copy shut down cleanly.
    const pgCtl = join(oldBindir.bindir, 'pg_ctl');
    const options = `-p ${await freePort()} -c listen_addresses='' -c unix_socket_directories='${base}'`;
    const env = { ...process.env, LC_ALL: 'C' };
    await runChecked(pgCtl, ['-D', copy, '-l', join(base, 'copy.log'), '-w', '-t', '120', '-o', options, 'start'], { ...asServer, env });
    await runChecked(pgCtl, ['-D', copy, '-m', 'fast', '-w', '-t', '120', 'stop'], { ...asServer, env });

    await using target = await LocalServer.init({ bindir: o.newBindir, name: `compat-upgrade-${o.targetMajor}`, baseDir: join(base, 'new'), initdbArgs: greenInitdbArgs(identity, o.targetMajor) });
    try {
      const result = await runPgUpgrade({
        mode: 'check',
        oldBindir: oldBindir.bindir,
        newBindir: o.newBindir,
        oldDataDir: copy,
        newDataDir: target.dataDir,
        workDir: base,
        artifactDir: o.workDir,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      return { status: 'passed', durationMs: ms(), outputFile: result.outputFile };
    } catch (error) {
      if (!(error instanceof CutoverError) || o.signal?.aborted) throw error;
      return {
        status: 'failed',
        reason: error.shortMessage,
        durationMs: ms(),
        outputFile: join(o.workDir, 'pg_upgrade-check.log'),
        finding: {
          key: 'check-failed',
          severity: 'fail',
          message: `the target's ${error.shortMessage}`,
          object: o.cluster.role,
          details: { report: error.message },
        },
      };
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
