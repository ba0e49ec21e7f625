export { runDriver, type DriverResult } from './driver.js';
export { resolveDriverOptions, type DriverOptions, type AttemptRecord, type LedgerFactory } from './driver-options.js';
export { RateSchedule, type ScheduleOptions } from './rate-scheduler.js';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { ConnectionPool, type ConnectionPoolOptions, type PoolStats } from './connection-pool.js';
export { acquireFailure, type AcquireFailure } from './acquire-failure.js';
