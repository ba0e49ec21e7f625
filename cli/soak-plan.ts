import { existsSync, readdirSync, statSync } from 'node:fs';
import { CutoverError } from '../core/errors.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import { workloadByName } from '../load/workloads/index.js';
import { parseDuration, parsePositive } from './duration.js';

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
  if (o.driver === 'k6') throw new CutoverError('usage', '--driver: k6 is not available in this version of cutover; use --driver node');
  if (o.driver !== 'node') throw new CutoverError('usage', `--driver: expected node or k6, got "${o.driver}"`);
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
