import { existsSync, readdirSync, statSync } from 'node:fs';
import { CutoverError } from '../core/errors.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import { workloadByName } from '../load/workloads/index.js';
import { parseDuration, parsePositive } from '../core/duration.js';

/** The flags of `cutover soak` as commander gives them (strings, unvalidated). */
export interface SoakOptions {
  db?: string;
  rate?: string;
  duration?: string;
  workload: string;
  driver: string;
  runDir?: string;
  probe: boolean;
  probeInterval: string;
  schema: string;
  timeout: string;
  connections?: string;
  degradedThreshold: string;
  maxDowntime?: string;
  minSuccessRatio?: string;
  config?: string;
  json?: boolean;
}

/** A soak's settings, validated, before any connection opens. */
export interface SoakPlan {
  rate: number;
  durationMs: number;
  workload: WorkloadDefinition;
  driver: 'node';
  runDir?: string;
  probe: { intervalMs: number } | false;
  schema: string;
  timeoutMs: number;
  connections?: number;
  degradedThresholdMs: number;
  /** From the flags; the config file's gate fills what they leave out (see soakGate). */
  maxDowntimeMs?: number;
  minSuccessRatio?: number;
  json: boolean;
}

/** Schemas a soak must never write to: it keeps to a schema of its own. */
const FOREIGN_SCHEMAS = /^(public|information_schema|pg_.*)$/i;

/** Validates every flag of `cutover soak`; usage errors name the flag, the expectation and the value. */
export function soakPlan(o: SoakOptions): SoakPlan {
  if (o.rate === undefined) throw new CutoverError('usage', '--rate: required (attempts per second, e.g. --rate 100)');
  if (o.duration === undefined) throw new CutoverError('usage', '--duration: required (e.g. --duration 30s, 5m, 1h)');
  const rate = parsePositive('--rate', o.rate, { max: 100_000, what: 'attempts per second above 0' });
  const durationMs = parseDuration('--duration', o.duration, { minMs: 100, maxMs: 7 * 24 * 3_600_000 });
  if (o.driver !== 'node') throw new CutoverError('usage', `--driver: expected node (the built-in driver), got "${o.driver}"`);
  return {
    rate,
    durationMs,
    workload: workloadByName(o.workload),
    driver: 'node',
    runDir: o.runDir === undefined ? undefined : newRunDir(o.runDir),
    probe: o.probe ? { intervalMs: parseDuration('--probe-interval', o.probeInterval, { minMs: 1, maxMs: 60_000 }) } : false,
    schema: soakSchema(o.schema),
    timeoutMs: parseDuration('--timeout', o.timeout, { minMs: 10, maxMs: 600_000 }),
    connections: o.connections === undefined ? undefined : parsePositive('--connections', o.connections, { integer: true, max: 1_000 }),
    degradedThresholdMs: parseDuration('--degraded-threshold', o.degradedThreshold, { minMs: 1, maxMs: 600_000 }),
    ...(o.maxDowntime !== undefined ? { maxDowntimeMs: parseDuration('--max-downtime', o.maxDowntime, { minMs: 0 }) } : {}),
    ...(o.minSuccessRatio !== undefined ? { minSuccessRatio: parseRatio('--min-success-ratio', o.minSuccessRatio) } : {}),
    json: o.json === true,
  };
}

/** The soak's schema: a name of its own, never a schema the application or the system uses. */
export function soakSchema(name: string, option = '--schema'): string {
  if (!name || name.length > 63) throw new CutoverError('usage', `${option}: expected a schema name of 1 to 63 characters, got "${name}"`);
  if (FOREIGN_SCHEMAS.test(name)) {
    throw new CutoverError('usage', `${option}: expected a schema of the soak's own (default cutover), got "${name}": the soak never writes to public or system schemas`);
  }
  return name;
}

/** A run directory for a new soak: absent, or an empty directory (two soaks never share one). */
function newRunDir(dir: string): string {
  if (!existsSync(dir)) return dir;
  if (!statSync(dir).isDirectory()) throw new CutoverError('usage', `--run-dir: expected a new or empty directory, got "${dir}" (a file)`);
  if (readdirSync(dir).length > 0) throw new CutoverError('usage', `--run-dir: expected a new or empty directory, got "${dir}" (it holds files; use a new one)`);
  return dir;
}

/** A ratio flag: a number from 0 to 1, or a percentage such as 99%. */
export function parseRatio(option: string, text: string): number {
  const t = text.trim();
  const percent = t.endsWith('%');
  const value = Number(percent ? t.slice(0, -1) : t) / (percent ? 100 : 1);
  if (t === '' || t === '%' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new CutoverError('usage', `${option}: expected a ratio from 0 to 1 (e.g. 0.99) or a percentage (e.g. 99%), got "${text}"`);
  }
  return value;
}

/** The gate of a soak: the flags, else the configuration's `gate` (whose floor has a default; the downtime limit has none). */
export function soakGate(plan: Pick<SoakPlan, 'maxDowntimeMs' | 'minSuccessRatio'>, gate: { maxDowntime?: number; minSuccessRatio: number }): { maxDowntimeMs?: number; minSuccessRatio: number } {
  const maxDowntimeMs = plan.maxDowntimeMs ?? gate.maxDowntime;
  return { minSuccessRatio: plan.minSuccessRatio ?? gate.minSuccessRatio, ...(maxDowntimeMs !== undefined ? { maxDowntimeMs } : {}) };
}
