/** How throttled calls are retried: `attempts` in all, waits doubling from `baseDelayMs` (with jitter) up to `maxDelayMs`. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000 };

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException']);

/** True for an AWS throttling error: its code (Throttling, ThrottlingException...) or HTTP 429. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return THROTTLING.has(String(e.name)) || THROTTLING.has(String(e.Code)) || e.$metadata?.httpStatusCode === 429;
}

/** What a retried call came to: its value, or the error that ended it, and how many times it was throttled. */
export type Retried<T> = { ok: true; value: T; throttled: number } | { ok: false; error: unknown; throttled: number; gaveUp: boolean };

/**
 * Calls `fn`, retrying it while AWS throttles it, with exponential backoff; other errors are not
 * retried. Never throws: the outcome is data, so a caller can record it and go on.
 */
export async function withThrottleRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, signal?: AbortSignal): Promise<Retried<T>> {
  let throttled = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn(), throttled };
    } catch (error) {
      if (!isThrottling(error)) return { ok: false, error, throttled, gaveUp: false };
      throttled++;
      if (attempt >= policy.attempts || signal?.aborted) return { ok: false, error, throttled, gaveUp: true };
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Full jitter: many clients throttled together do not retry together.
      await new Promise((r) => setTimeout(r, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

/** `Throttling: Rate exceeded`: an AWS error's code and message in one line. */
export function awsErrorText(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  const message = (e.message ?? '').split('\n')[0];
  return `${e.name ?? 'Error'}: ${message}${status}`;
}
