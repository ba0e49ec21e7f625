import { CutoverError } from '../../core/errors.js';
import type { Endpoint } from '../../core/endpoint.js';
import type { Session } from '../../core/session.js';
import type { ErrorClass } from '../error-class.js';
import type { AttemptOutcomeKind, LedgerWriter } from '../ledger-types.js';
import type { AttemptOutcome } from '../outages.js';
import type { TimelineBucket } from '../timeline-types.js';
import type { WorkloadDefinition } from '../workload-types.js';
import type { BackoffOptions } from './backoff.js';

/** Makes the run's ledger writer once the soak's schema exists (it registers the writer key there). */
export type LedgerFactory = (context: { db: Session; schema: string; workload: WorkloadDefinition }) => Promise<LedgerWriter>;

/** One finished attempt, for callers that follow attempts one by one (outage analysis, tests). */
export interface AttemptRecord extends AttemptOutcome {
  op: string;
  /** Ledger sequence and id (decimal int8) of a ledgered attempt. */
  seq?: number;
  id?: string;
  outcome: AttemptOutcomeKind;
  errorClass?: ErrorClass;
  /** Epoch ms the query was handed to a connection; absent when it never got one. */
  sentAt?: number;
  /** Send time minus due time, ms. */
  lagMs: number;
  /** Completion minus due time, ms. */
  latencyMs: number;
}

export interface DriverOptions {
  workload: WorkloadDefinition;
  endpoint: Endpoint;
  /** Attempts per second, all operations together. */
  rate: number;
  /** Milliseconds of load; without it the load runs until `signal` aborts. */
  durationMs?: number;
  /** The soak's own schema; nothing outside it is written. Default `cutover`. */
  schema?: string;
  ledger: LedgerFactory;
  /** Called once per second of load, in order, with that second's bucket (await-ed in order, off the hot path). */
  onSecond?: (bucket: TimelineBucket) => void | Promise<void>;
  /** Called for every finished attempt. Keep it cheap: it runs on the driver's thread. */
  onAttempt?: (attempt: AttemptRecord) => void;
  /** Stops the load: scheduling ends, attempts in flight drain, everything closes. */
  signal?: AbortSignal;
  /** Connections of the pool. Default: rate/250, between 4 and 32. */
  connections?: number;
  /**
   * Most statements in flight per connection (each its own transaction). Default 8. A statement
   * always goes to the connection with the fewest in flight, so below the pool's capacity every
   * statement has a connection to itself; pipelining starts only when the rate needs it (and a
   * statement pipelined on a connection that dies ends `unknown`, which verification resolves).
   */
  pipelineDepth?: number;
  /** Per-attempt timeout from its due time, connection wait and connection included. Default 1000 ms. */
  timeoutMs?: number;
  /** Linear ramp from 0 to `rate` over this many ms. Default 0. */
  rampMs?: number;
  /** Longest wait for attempts in flight on stop, after which their connections are cut. Default `timeoutMs`. */
  drainTimeoutMs?: number;
  /** `application_name` of the load's connections. Default `cutover-soak`. */
  applicationName?: string;
  reconnect?: BackoffOptions;
  /** Seed of the operation mix and parameters. Default: the writer key. */
  seed?: number;
  /** How often the ledger is made durable. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Create the schema and the workload's tables before starting. Default true. */
  prepare?: boolean;
  /**
   * Parse every statement as the unnamed statement, in the same write as its Bind/Execute/Sync,
   * instead of naming it once per connection. Needed through PgBouncer in transaction mode
   * (before 1.21, which has no prepared-statement support); costs a Parse per statement. Default
   * `auto`: each connection parses unnamed when a pooler sits between (see ConnectionPoolOptions).
   */
  unnamedStatements?: boolean | 'auto';
}

export type ResolvedDriverOptions = Required<Omit<DriverOptions, 'durationMs' | 'onSecond' | 'onAttempt' | 'signal' | 'seed' | 'reconnect'>> &
  Pick<DriverOptions, 'durationMs' | 'onSecond' | 'onAttempt' | 'signal' | 'seed' | 'reconnect'>;

/** Defaults applied and every number checked, before any connection opens. */
export function resolveDriverOptions(o: DriverOptions): ResolvedDriverOptions {
  positive('rate', o.rate);
  if (o.durationMs !== undefined) atLeastZero('durationMs', o.durationMs);
  const timeoutMs = o.timeoutMs ?? 1_000;
  positive('timeoutMs', timeoutMs);
  const connections = o.connections ?? Math.min(32, Math.max(4, Math.ceil(o.rate / 250)));
  if (!Number.isInteger(connections) || connections < 1) throw usage('connections', 'a whole number of at least 1', connections);
  const pipelineDepth = o.pipelineDepth ?? 8;
  if (!Number.isInteger(pipelineDepth) || pipelineDepth < 1 || pipelineDepth > 64) throw usage('pipelineDepth', 'a whole number from 1 to 64', pipelineDepth);
  const schema = o.schema ?? 'cutover';
  if (!schema || schema.length > 63) throw usage('schema', 'a schema name of 1 to 63 characters', schema);
  const resolved: ResolvedDriverOptions = {
    ...o,
    schema,
    connections,
    pipelineDepth,
    timeoutMs,
    rampMs: o.rampMs ?? 0,
    drainTimeoutMs: o.drainTimeoutMs ?? timeoutMs,
    applicationName: o.applicationName ?? 'cutover-soak',
    flushIntervalMs: o.flushIntervalMs ?? 1_000,
    prepare: o.prepare ?? true,
    unnamedStatements: o.unnamedStatements ?? 'auto',
  };
  atLeastZero('rampMs', resolved.rampMs);
  atLeastZero('drainTimeoutMs', resolved.drainTimeoutMs);
  positive('flushIntervalMs', resolved.flushIntervalMs);
  return resolved;
}

function positive(option: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw usage(option, 'a positive number', value);
}

function atLeastZero(option: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw usage(option, 'zero or a positive number', value);
}

function usage(option: string, expected: string, got: unknown): CutoverError {
  return new CutoverError('usage', `${option}: expected ${expected}, got ${JSON.stringify(got)}`);
}
