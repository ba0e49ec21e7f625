import { CutoverError } from '../../core/errors.js';
import type { ActionContext } from '../actions/action-types.js';
import type { Session } from '../../core/session.js';
import type { EndpointSwitch } from '../endpoint-switch/switch-types.js';
import { fenceBlue } from './fence-blue.js';
import { pollUntil } from './poll.js';
import { dropReplication, slotLag, slotReached, type Replication } from './replication.js';
import { advanceSequences } from './sequences.js';

export interface SwitchoverOptions {
  /** Wait for zero lag before moving clients (false: the deliberately broken variant). */
  waitForCatchUp: boolean;
  /** Drop replication right after the block (without the wait, what green lacked is then lost, not late). */
  dropAtSwitch: boolean;
  /** Longest wait for zero lag. */
  drainTimeoutMs: number;
  /** Increments each sequence is set past blue's last value on green. */
  sequenceMargin: number;
  /** Runs while clients are held, after the drain (green caught up) and before they resume: data validation. */
  whileHeld?: () => Promise<void>;
}

/**
 * The switchover of a logical blue/green, each part a timed phase: `block` (clients stopped at
 * the switch; after a hard cut, blue's own sessions are terminated so nothing commits later),
 * `drain` (the subscription confirms blue's final WAL position), `validate-data` when asked (blue and
 * green compared with writes stopped), `sequences` (advanced on green),
 * `repoint` (the switch and the writer move to green), `resume`, then `resume-point` (what green
 * lacked at that moment, for late writes). A failure before the repoint sends clients back to
 * blue, so a failed switchover leaves the load where it was.
 */
export async function switchover(ctx: ActionContext, sw: EndpointSwitch, r: Replication, o: SwitchoverOptions): Promise<{ blueFinalLsn: string }> {
  const { blue, green } = r;
  const blueTarget = sw.target;
  let moved = false;
  await using blueDb = await blue.admin();
  try {
    ctx.phase('block');
    const heldFrom = Date.now();
    await sw.block();
    if (sw.style === 'hard') ctx.detail('sessionsTerminatedOnBlue', await fenceBlue(blueDb, { timeoutMs: 10_000, signal: ctx.signal }));
    const atBlock = await slotLag(blueDb, r.name);
    ctx.detail('lagAtSwitchBytes', atBlock.lagBytes);
    ctx.detail('blueLsnAtSwitch', atBlock.currentLsn);

    if (o.waitForCatchUp) {
      ctx.phase('drain');
      await waitForPosition(ctx, blueDb, r, atBlock.currentLsn, o.drainTimeoutMs);
    } else {
      ctx.log('logical-bluegreen: switching WITHOUT waiting for catch-up (a deliberately broken switchover)');
    }
    if (o.dropAtSwitch) {
      // Replication stops here: whatever green had not applied never arrives.
      ctx.phase('drop-subscription');
      await dropReplication(r);
    }
    // Its time is part of the hold: the pause (or outage) grows by it.
    if (o.whileHeld) await o.whileHeld();

    ctx.phase('sequences');
    {
      await using greenDb = await green.admin();
      const advanced = await advanceSequences(blueDb, greenDb, o.sequenceMargin);
      ctx.detail('sequencesAdvanced', advanced.length);
      if (advanced.length) ctx.detail('sequences', advanced.slice(0, 50));
    }

    ctx.phase('repoint');
    await sw.repoint(green.endpoint());
    moved = true;
    ctx.writerMoved(green.role);

    ctx.phase('resume');
    await sw.resume();
    // The window clients were held at the switch (refused after a hard cut, stalled by a PAUSE).
    const resumedAt = Date.now();
    ctx.detail('clientsHeld', { start: new Date(heldFrom).toISOString(), end: new Date(resumedAt).toISOString(), durationMs: resumedAt - heldFrom });
    // What green lacked when writes resumed there: late if it arrives, lost if it never does.
    ctx.phase('resume-point');
    await ctx.markResume(green, blue);
    return { blueFinalLsn: atBlock.currentLsn };
  } catch (error) {
    if (!moved) {
      await sw.repoint(blueTarget).catch(() => {});
      await sw.resume().catch(() => {});
      ctx.log('logical-bluegreen: switchover failed; clients sent back to blue');
    }
    throw error;
  }
}

/** Waits until the subscription's slot has confirmed blue's WAL up to `lsn`. */
export async function waitForPosition(ctx: ActionContext, blueDb: Session, r: Replication, lsn: string, timeoutMs: number): Promise<void> {
  await pollUntil({
    probe: async () => ((await slotReached(blueDb, r.name, lsn)) ? true : undefined),
    timeoutMs,
    signal: ctx.signal,
    intervalMs: 5,
    timeoutError: () => new CutoverError('query', `the subscription did not confirm blue's WAL position ${lsn} within ${timeoutMs} ms`),
  });
}
