import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomInt } from 'node:crypto';
import { openSession } from '../core/session.js';
import { quoteIdentifier } from '../load/sql-ident.js';
import { prepareWorkload } from '../load/workloads/prepare.js';
import { checkScripts, compileWorkload, initPgbench, runPgbench, scriptLabel, scriptName, type PgbenchBinary, type ScriptSpec } from '../load/pgbench/index.js';
import type { BaselineEngineRunner, EngineRepeat } from './baseline-engine.js';
import type { BaselinePlan, BaselineTarget } from './baseline-plan.js';

export interface PgbenchEngineOptions {
  pgbench: PgbenchBinary;
  /** The run directory: a compiled workload's scripts are written under `baseline/scripts/`. */
  runDir: string;
  /** Where the scripts go, relative to the run directory. Default `baseline/scripts`. */
  scriptsDir?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/**
 * pgbench as a baseline engine: its built-in scripts (tables initialised in the baseline's
 * schema), the user's script files, or a cutover workload compiled to scripts. Each repeat runs
 * pgbench once with per-transaction logs and turns them into the soak's seconds.
 */
export async function pgbenchEngine(plan: BaselinePlan, o: PgbenchEngineOptions): Promise<BaselineEngineRunner> {
  let scripts: ScriptSpec[];
  let variables: Record<string, string> = {};
  let label: (s: ScriptSpec) => string;
  const builtins = plan.load.kind === 'scripts' && plan.load.scripts.some((s) => s.kind === 'builtin');
  if (plan.load.kind === 'workload') {
    const { workload, label: workloadLabel } = plan.load;
    // One writer key per client above a random base, as the driver's ids (never verified here).
    const compiled = compileWorkload(workload, plan.schema, randomInt(1, 2 ** 31 - 1 - 1024));
    const dir = join(o.runDir, o.scriptsDir ?? join('baseline', 'scripts'));
    await mkdir(dir, { recursive: true });
    scripts = [];
    for (const s of compiled.scripts) {
      const path = join(dir, `${s.name}.sql`);
      await writeFile(path, s.text);
      scripts.push({ kind: 'file', path, weight: s.weight, name: s.name });
    }
    variables = compiled.variables;
    label = (s) => `workload ${workloadLabel}, operation ${scriptName(s)} (compiled to ${s.kind === 'file' ? s.path : s.name})`;
  } else {
    scripts = plan.load.scripts;
    label = (s) => `--pgbench ${scriptLabel(s)}`;
  }
  // Built-in scripts find their tables through the search_path: the baseline's schema alone
  // while they are created, then first (the user's own scripts may read public).
  const searchPath = builtins ? (plan.load.kind === 'scripts' && plan.load.scripts.every((s) => s.kind === 'builtin') ? plan.schema : `${plan.schema},public`) : undefined;
  const names = scripts.map(scriptName);
  const engine: BaselineEngineRunner & { scale?: number } = {
    version: o.pgbench.version,
    // A compiled workload's scripts as the run directory holds them.
    scripts: plan.load.kind === 'scripts' ? plan.load.scripts.map(scriptLabel) : scripts.map((s) => (s.kind === 'file' ? relative(o.runDir, s.path) : s.name)),
    async prepare(target: BaselineTarget): Promise<void> {
      const t = { pgbench: o.pgbench, endpoint: target.endpoint, ...(o.env ? { env: o.env } : {}), ...(o.signal ? { signal: o.signal } : {}) };
      {
        await using db = await openSession(target.endpoint, { readOnly: false, applicationName: 'cutover-baseline-setup', statementTimeoutMs: 600_000 });
        if (plan.load.kind === 'workload') await prepareWorkload(db, plan.load.workload, plan.schema);
        if (builtins) {
          await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(plan.schema)}`);
          const rows = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${quoteIdentifier(plan.schema)}.pgbench_branches`]);
          if (plan.scale !== undefined || !rows[0]?.present) {
            await db.close();
            await initPgbench({ ...t, schema: plan.schema, scale: plan.scale ?? 1 });
            engine.scale = plan.scale ?? 1;
          } else {
            const count = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdentifier(plan.schema)}.pgbench_branches`);
            engine.scale = Number(count[0]?.n ?? 1);
          }
        }
      }
      await checkScripts({ ...t, ...(searchPath ? { searchPath } : {}), scripts, variables, ...(plan.scale !== undefined ? { scale: plan.scale } : {}), label });
    },
    async repeat(target: BaselineTarget): Promise<EngineRepeat> {
      const logDir = await mkdtemp(join(tmpdir(), 'cutover-pgbench-'));
      try {
        const started = Date.now();
        const r = await runPgbench({
          pgbench: o.pgbench,
          endpoint: target.endpoint,
          ...(searchPath ? { searchPath } : {}),
          ...(o.env ? { env: o.env } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          scripts,
          variables,
          clients: plan.clients,
          rate: plan.rate,
          seconds: Math.round((plan.warmupMs + plan.durationMs) / 1000),
          ...(plan.scale !== undefined ? { scale: plan.scale } : {}),
          logDir,
          timeline: { scriptNames: names, warmupMs: plan.warmupMs, durationMs: plan.durationMs },
        });
        const timeline = r.timeline;
        const problems = [...r.problems];
        if (r.exitCode !== 0 && !problems.length) problems.push(`pgbench exited with ${r.exitCode ?? r.result.signal}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').pop()}` : ''}`);
        if (r.malformed) problems.push(`${r.malformed} line(s) of pgbench's log unreadable`);
        return { buckets: timeline.buckets, startedAt: timeline.originMs ?? started, endedAt: Date.now(), failed: timeline.failed, abortedClients: r.abortedClients, problems };
      } finally {
        await rm(logDir, { recursive: true, force: true });
      }
    },
  };
  return engine;
}
