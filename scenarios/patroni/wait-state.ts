import { CutoverError } from '../../core/errors.js';
import { describeMembers, type PatroniClusterState } from './patroni-rest.js';

export interface WaitStateOptions {
  /** What is awaited, for the error: `a new leader running`. */
  what: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called each round before reading: throws to stop waiting (a member's Patroni exited). */
  guard?: () => Promise<void>;
  /** More for the error's full message (the members' logs). */
  diagnostics?: () => Promise<string>;
}

/**
 * Reads the cluster's state until `done` holds, polling every 200 ms, or fails at the deadline
 * naming what was awaited, what was seen last and the last error (an unreachable REST API).
 */
export async function waitForState(read: () => Promise<PatroniClusterState>, done: (state: PatroniClusterState) => boolean, o: WaitStateOptions): Promise<PatroniClusterState> {
  const deadline = Date.now() + o.timeoutMs;
  let last: PatroniClusterState | undefined;
  let lastError: unknown;
  for (;;) {
    if (o.signal?.aborted) throw new CutoverError('interrupted', 'interrupted');
    await o.guard?.();
    try {
      last = await read();
      if (done(last)) return last;
      lastError = undefined;
    } catch (error) {
      if (error instanceof CutoverError && error.code === 'interrupted') throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = last ? `; last seen: ${describeMembers(last)}` : '';
      const why = lastError instanceof Error ? `; last error: ${lastError.message.split('\n')[0]}` : '';
      const short = `Patroni: no ${o.what} within ${o.timeoutMs / 1000} s${seen}${why}`;
      throw new CutoverError(lastError instanceof CutoverError && lastError.code === 'connect' ? 'connect' : 'provision', short, {
        message: `${short}${o.diagnostics ? `\n${await o.diagnostics()}` : ''}`,
        ...(lastError ? { cause: lastError } : {}),
      });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
