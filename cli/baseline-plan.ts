import { existsSync, readdirSync, statSync } from 'node:fs';
import { CutoverError } from '../core/errors.js';
import { parseDuration, parsePositive } from '../core/duration.js';
import { parseScriptSpec } from '../load/pgbench/index.js';
import { BASELINE_SCHEMA, defaultClients, type BaselinePlan } from '../run/baseline-plan.js';
import { loadWorkload } from '../run/baseline-workload.js';
import { soakSchema } from './soak-plan.js';

/** The flags of `cutover baseline` as commander gives them (strings, unvalidated). */
export interface BaselineOptions {
  db?: string;
  against?: string;
  workload?: string;
  pgbench?: string[];
  engine: string;
  rate?: string;
  max?: boolean;
  clients?: string;
  duration: string;
  warmup: string;
  repeat: string;
  scale?: string;
  schema: string;
  pgbenchBin?: string;
  /** Configuration file whose thresholds apply. */
  config?: string;
  runDir?: string;
}

/** A baseline's settings from the flags, validated before any connection opens or pgbench is looked for. */
export async function baselinePlan(o: BaselineOptions, cwd: string): Promise<BaselinePlan & { runDir?: string }> {
  if (o.engine !== 'pgbench' && o.engine !== 'node') throw new CutoverError('usage', `--engine: expected pgbench or node, got "${o.engine}"`);
  if (o.workload !== undefined && o.pgbench?.length) throw new CutoverError('usage', `--workload and --pgbench: expected one of them (a cutover workload, or pgbench's scripts), got both`);
  if (o.rate !== undefined && o.max) throw new CutoverError('usage', '--rate and --max: expected one of them (a fixed rate compares latency, --max compares throughput), got both');
  if (o.rate === undefined && !o.max) throw new CutoverError('usage', '--rate N or --max: one is required (a fixed rate compares latency, --max compares throughput)');
  const rate = o.rate === undefined ? null : parsePositive('--rate', o.rate, { max: 1_000_000, what: 'transactions per second above 0' });
  if (o.engine === 'node' && rate === null) throw new CutoverError('usage', '--max: the Node driver runs at a fixed rate only (open loop); give --rate N, or use --engine pgbench');
  if (o.engine === 'node' && o.pgbench?.length) throw new CutoverError('usage', `--pgbench: pgbench's scripts run under --engine pgbench only; with --engine node give --workload NAME`);
  const durationMs = wholeSeconds('--duration', parseDuration('--duration', o.duration, { minMs: 1_000, maxMs: 24 * 3_600_000 }), o.duration);
  const warmupMs = wholeSeconds('--warmup', parseDuration('--warmup', o.warmup, { minMs: 0, maxMs: 3_600_000 }), o.warmup);
  const repeat = parsePositive('--repeat', o.repeat, { integer: true, max: 1_000 });
  const clients = o.clients === undefined ? defaultClients(rate) : parsePositive('--clients', o.clients, { integer: true, max: 1_000 });
  const scale = o.scale === undefined ? undefined : parsePositive('--scale', o.scale, { integer: true, max: 100_000 });
  if (o.engine === 'node' && scale !== undefined) throw new CutoverError('usage', `--scale: pgbench's scale (the tables of its builtin scripts) applies under --engine pgbench only; the Node driver runs a cutover workload on its own tables, got --scale ${scale} with --engine node`);
  const load: BaselinePlan['load'] = o.pgbench?.length
    ? { kind: 'scripts', scripts: o.pgbench.map((s) => checkedFile(parseScriptSpec(s), s)) }
    : { kind: 'workload', ...(await loadWorkload(o.workload ?? 'notifications', '--workload', cwd)) };
  return {
    engine: o.engine,
    load,
    rate,
    clients,
    durationMs,
    warmupMs,
    repeat,
    ...(scale !== undefined ? { scale } : {}),
    schema: o.schema === BASELINE_SCHEMA ? BASELINE_SCHEMA : soakSchema(o.schema),
    ...(o.runDir !== undefined ? { runDir: newRunDir(o.runDir) } : {}),
  };
}

function wholeSeconds(option: string, ms: number, text: string): number {
  if (ms % 1_000 !== 0) throw new CutoverError('usage', `${option}: expected whole seconds (pgbench counts its duration in seconds), got "${text}"`);
  return ms;
}

function checkedFile<T extends ReturnType<typeof parseScriptSpec>>(spec: T, text: string): T {
  if (spec.kind === 'file' && !(existsSync(spec.path) && statSync(spec.path).isFile())) {
    throw new CutoverError('usage', `--pgbench: expected builtin:tpcb-like, builtin:simple-update, builtin:select-only or a script file, got "${text}" (no such file)`);
  }
  return spec;
}

/** A run directory for a new baseline: absent, or an empty directory. */
function newRunDir(dir: string): string {
  if (!existsSync(dir)) return dir;
  if (!statSync(dir).isDirectory()) throw new CutoverError('usage', `--run-dir: expected a new or empty directory, got "${dir}" (a file)`);
  if (readdirSync(dir).length > 0) throw new CutoverError('usage', `--run-dir: expected a new or empty directory, got "${dir}" (it holds files; use a new one)`);
  return dir;
}
