/** Reconnection delays: exponential, capped, jittered. */
export interface BackoffOptions {
  /** Delay after the first failure. Default 5 ms. */
  initialMs?: number;
  /**
   * Longest delay. Default 50 ms: it bounds how late the end of an outage is seen, and 20-40
   * connection attempts a second is still far from a tight loop against a refusing server.
   */
  maxMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 5, maxMs: 50 };

/**
 * The delay before the next connection attempt after `failures` consecutive failures (from 1):
 * initial·2^(failures-1), capped, then "equal jitter" (between half and all of it) so that many
 * clients, or many connections of one pool, do not knock in step.
 */
export function backoffDelayMs(failures: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { initialMs, maxMs } = { ...DEFAULT_BACKOFF, ...options };
  const exp = Math.min(maxMs, initialMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return exp / 2 + random() * (exp / 2);
}
