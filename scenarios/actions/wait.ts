import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { formatMs } from '../../core/duration.js';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';

/** `wait`: a fixed time with the soak running, to soak before and after the upgrade. */
export const waitAction = defineAction({
  name: 'wait',
  summary: 'wait a fixed time while the soak runs (before and after an upgrade)',
  params: z.object({ duration: durationParam({ maxMs: 7 * 24 * 3_600_000 }).describe('How long to wait; Ctrl-C ends it early.') }).strict(),
  title: (p) => `wait ${formatMs(p.duration)}`,
  async run(ctx, p) {
    await sleep(p.duration, ctx.signal);
    if (ctx.signal.aborted) throw new CutoverError('interrupted', 'interrupted');
  },
});

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
