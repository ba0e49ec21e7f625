import { CutoverError } from '../../core/errors.js';

/**
 * Polls `probe` every `intervalMs` until it returns a value other than undefined; gives up at the
 * deadline with an error built from the last thing seen (`describe`), or at once on abort.
 */
export async function pollUntil<T>(o: {
  probe: () => Promise<T | undefined>;
  timeoutMs: number;
  signal?: AbortSignal;
  intervalMs?: number;
  /** The error at the deadline: what was waited for and what was seen last. */
  timeoutError: () => CutoverError;
}): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (o.signal?.aborted) throw new CutoverError('interrupted', 'interrupted');
    const value = await o.probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw o.timeoutError();
    await new Promise((resolve) => setTimeout(resolve, o.intervalMs ?? 20));
  }
}
