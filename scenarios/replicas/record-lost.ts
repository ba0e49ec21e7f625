import type { ActionContext } from '../actions/action-types.js';
import type { Cluster } from '../topology/cluster.js';
import { examineOldPrimary, lostAtPromotion } from './lost-at-promotion.js';

/**
 * After a promotion: the writes the promoted standby never received (`lostAtPromotion` in the
 * step's details, which makes them this step's lost in the step table), and, when asked, the old
 * primary examined read-only to confirm them (`oldPrimaryExamined`).
 */
export async function recordLost(ctx: ActionContext, o: { old: Cluster; standby: Cluster; stoppedAt: number; examine: boolean }): Promise<void> {
  ctx.phase('lost writes');
  const lost = await lostAtPromotion({ runDir: ctx.runDir, newPrimary: o.standby, stoppedAt: o.stoppedAt, signal: ctx.signal });
  if (!lost) return;
  ctx.detail('lostAtPromotion', lost);
  ctx.log(`${o.standby.role}: ${lost.count} acknowledged writes of ${o.old.role} never arrived`);
  if (!o.examine) return;
  ctx.phase('examine old primary');
  const seen = await examineOldPrimary(o.old, lost.ids);
  ctx.detail('oldPrimaryExamined', seen);
  ctx.log(`${o.old.role} (read-only): holds ${seen.confirmed} of the ${lost.ids.length} ids listed as lost${seen.absentOnOld.length ? `; ${seen.absentOnOld.length} absent there too` : ''}`);
}
