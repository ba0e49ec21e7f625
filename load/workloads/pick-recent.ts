import type { ParamContext } from '../workload-types.js';

/** One of the writer's recently acknowledged ids, or -1 (matches nothing) before the first. */
export function pickRecent(ctx: ParamContext): string {
  const ids = ctx.recentIds();
  return ids[Math.floor(ctx.random() * ids.length)] ?? '-1';
}
