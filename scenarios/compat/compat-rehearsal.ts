import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type RunResult } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { publicEndpoint } from '../../core/endpoint.js';
import { openSession } from '../../core/session.js';
import { toFinding } from '../../checks/to-finding.js';
import type { Finding } from '../../checks/finding.js';
import { quoteIdent } from '../../checks/quote-ident.js';
import { LocalServer } from '../providers/local-server.js';
import { libpqEnv } from '../upgrade/libpq-env.js';
import type { CompatRehearsalOptions, CompatResult, CompatTargetServer } from './compat-types.js';
import { dumpSections } from './dump-sections.js';
import { parsePsqlMessages } from './psql-messages.js';
import { RESTORE_CHECK_ID, restoreFindings } from './restore-findings.js';
import { ROLES_CHECK_ID, roleFindings } from './role-findings.js';
import { targetTools } from './target-tools.js';
import { pgUpgradeCheck, PG_UPGRADE_CHECK_ID } from './pg-upgrade-check.js';

const DUMP_TIMEOUT_MS = 10 * 60_000;
const RESTORE_TIMEOUT_MS = 30 * 60_000;

/**
 * The compatibility rehearsal: dumps the source's schema and roles with the TARGET major's
 * pg_dump, restores them statement by statement into a throwaway server of the target major,
 * and turns every statement the target refuses into a finding naming its object (TOC entry type,
 * schema, name) and the server's error with SQLSTATE. Nothing is written to the source. With a
 * local source cluster, the target's `pg_upgrade --check` runs too, on a throwaway copy.
 */
export async function compatRehearsal(o: CompatRehearsalOptions): Promise<CompatResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const log = o.log ?? (() => {});
  const tools = await targetTools(o.targetMajor, o.toolsBindir, 'compat target tools (--to-bindir)');
  const serverKind: CompatTargetServer = o.targetServer ?? (existsSync(join(tools.bindir, 'postgres')) ? 'bindir' : 'embedded');

  const source = await sourceVersion(o);
  if (source.major > o.targetMajor) {
    throw new CutoverError('usage', `--to: expected a target major at least the source's (${source.major}), got ${o.targetMajor}`);
  }
  const work = o.artifactDir ?? (await mkdtemp(join(tmpdir(), 'cutover-compat-')));
  await mkdir(work, { recursive: true });
  try {
    const files = { dump: join(work, 'schema.sql'), roles: join(work, 'roles.sql'), restoreLog: join(work, 'restore.log'), rolesLog: join(work, 'roles.log') };
    const sourceEnv = libpqEnv(o.source);
    log(`dumping the schema of ${source.version} with pg_dump ${tools.version}`);
    await checked(
      runCommand(join(tools.bindir, 'pg_dump'), ['--schema-only', '--no-tablespaces', '--no-subscriptions', '--file', files.dump], run(sourceEnv, DUMP_TIMEOUT_MS, o.signal)),
      'pg_dump --schema-only of the source',
    );
    await checked(
      runCommand(join(tools.bindir, 'pg_dumpall'), ['--roles-only', '--no-role-passwords', '--file', files.roles], run(sourceEnv, DUMP_TIMEOUT_MS, o.signal)),
      'pg_dumpall --roles-only of the source',
    );
    o.signal?.throwIfAborted();

    log(`restoring into a throwaway PostgreSQL ${o.targetMajor} (${serverKind})`);
    await using target = await LocalServer.start({
      name: `compat-${o.targetMajor}`,
      ...(serverKind === 'bindir' ? { bindir: tools.bindir } : { version: String(o.targetMajor) }),
    });
    const database = o.source.database;
    {
      await using admin = await target.admin();
      const [version] = await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      if (Math.floor(admin.serverVersionNum / 10_000) !== o.targetMajor) {
        throw new CutoverError('usage', `--to ${o.targetMajor}: the throwaway target runs ${version?.v ?? admin.serverVersionNum}`);
      }
      if (database !== 'postgres') await admin.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE template0`);
    }
    const rolesRun = await psqlScript(tools.bindir, target, 'postgres', files.roles, o.signal);
    const restoreRun = await psqlScript(tools.bindir, target, database, files.dump, o.signal);
    await writeFile(files.rolesLog, rolesRun.stderr);
    await writeFile(files.restoreLog, restoreRun.stderr);
    const targetVersion = await serverVersion(target);

    const dumpLines = (await readFile(files.dump, 'utf8')).split('\n');
    const rolesLines = (await readFile(files.roles, 'utf8')).split('\n');
    const sections = dumpSections(dumpLines.join('\n'));
    const restore = restoreFindings({ sections, messages: parsePsqlMessages(restoreRun.stderr, files.dump), dumpLines, database });
    const roles = roleFindings(parsePsqlMessages(rolesRun.stderr, files.roles), rolesLines);
    const findings: Finding[] = [
      ...roles.map((f) => toFinding(ROLES_CHECK_ID, f, 'evaluate')),
      ...restore.map((f) => toFinding(RESTORE_CHECK_ID, f, 'evaluate')),
    ];
    const failedEntries = new Set(restore.filter((f) => f.severity === 'fail').map((f) => f.key.replace(/#\d+$/, ''))).size;
    log(`${sections.length - 1} schema entries, ${failedEntries} refused by the target`);

    let upgradeCheck: CompatResult['pgUpgradeCheck'];
    if (o.sourceCluster?.local) {
      log(`pg_upgrade --check of a copy of ${o.sourceCluster.role} against PostgreSQL ${tools.version}`);
      upgradeCheck = await pgUpgradeCheck({ cluster: o.sourceCluster, newBindir: tools.bindir, targetMajor: o.targetMajor, workDir: join(work, 'pg-upgrade-check'), signal: o.signal });
      if (upgradeCheck.finding) findings.push(toFinding(PG_UPGRADE_CHECK_ID, upgradeCheck.finding, 'evaluate'));
    }
    return {
      startedAt,
      durationMs: Math.round(performance.now() - started),
      source: { endpoint: publicEndpoint(o.source), version: source.version, major: source.major },
      target: { major: o.targetMajor, version: targetVersion, toolsBindir: tools.bindir, server: serverKind, serverBindir: target.bindir },
      entries: sections.length - 1,
      failedEntries,
      roles: rolesLines.filter((l) => /^CREATE ROLE /.test(l)).length,
      findings,
      ...(upgradeCheck ? { pgUpgradeCheck: upgradeCheck } : {}),
      ...(o.artifactDir ? { artifacts: files } : {}),
    };
  } finally {
    if (!o.artifactDir) await rm(work, { recursive: true, force: true });
  }
}

async function sourceVersion(o: CompatRehearsalOptions): Promise<{ version: string; major: number }> {
  await using db = await openSession(o.source, { applicationName: 'cutover-compat', signal: o.signal });
  const [row] = await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return { version: (row?.v ?? '').split(' ')[0] ?? '', major: Math.floor(db.serverVersionNum / 10_000) };
}

async function serverVersion(server: LocalServer): Promise<string> {
  await using admin = await server.admin();
  const [row] = await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
  return (row?.v ?? '').split(' ')[0] ?? '';
}

/**
 * Runs a script with the target's psql the way the rehearsal needs it: every statement runs
 * whatever failed before (ON_ERROR_STOP off), and every message carries its SQLSTATE and script
 * line (VERBOSITY verbose), so each failure can be traced to its TOC entry.
 */
async function psqlScript(bindir: string, server: LocalServer, database: string, file: string, signal: AbortSignal | undefined): Promise<RunResult> {
  const args = ['--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=0', '--set', 'VERBOSITY=verbose', '--output', '/dev/null', '--file', file];
  const result = await runCommand(join(bindir, 'psql'), args, run(libpqEnv(server.endpoint(database)), RESTORE_TIMEOUT_MS, signal));
  // psql exits 0 with ON_ERROR_STOP off whatever the statements did; anything else is psql itself failing (no connection).
  return checked(Promise.resolve(result), `psql restoring ${file.split('/').pop()} into the throwaway target`);
}

function run(env: NodeJS.ProcessEnv, timeoutMs: number, signal: AbortSignal | undefined) {
  return { env, timeoutMs, ...(signal ? { signal } : {}) };
}

async function checked(pending: Promise<RunResult>, what: string): Promise<RunResult> {
  const result = await pending;
  if (result.exitCode === 0) return result;
  const why = result.timedOut ? 'timed out' : `exited with ${result.exitCode ?? result.signal}`;
  const last = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
  const code = /connection|could not connect|password authentication/i.test(result.stderr) ? 'connect' : 'provision';
  throw new CutoverError(code, `${what} ${why}${last ? `: ${last}` : ''}`, { message: `${result.command} ${why}\n--- stderr ---\n${result.stderr}` });
}
