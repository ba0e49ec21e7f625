import type { ResolvedConfig } from '../core/config.js';
import type { CheckContext } from './define-check.js';

/**
 * Why the Blue/Green guardrail checks do not run here, or undefined when they do: `checks.bluegreen`
 * is `on`, or `auto` on a server that is RDS or Aurora PostgreSQL (their `rds.*` settings exist).
 * They are off elsewhere by default because a local rehearsal is not a managed Blue/Green.
 */
export async function bluegreenSkipReason(ctx: CheckContext): Promise<string | undefined> {
  const mode = ctx.config.checks.bluegreen;
  if (mode === 'on') return undefined;
  if (mode === 'off') return 'checks.bluegreen is off';
  const [row] = await ctx.db.query<{ managed: boolean }>(`SELECT current_setting('rds.extensions', true) IS NOT NULL OR current_setting('rds.logical_replication', true) IS NOT NULL AS managed`);
  return row?.managed ? undefined : 'not an RDS or Aurora PostgreSQL server (set checks.bluegreen to "on" to run the managed Blue/Green guardrails anyway)';
}

/**
 * Whether the Blue/Green will use logical replication: AWS uses it for a major version upgrade
 * and physical replication otherwise. Without `upgrade.targetMajor` a major upgrade is assumed,
 * the stricter case.
 */
export function usesLogicalReplication(config: ResolvedConfig, serverVersionNum: number): boolean {
  const target = config.upgrade.targetMajor;
  return target === undefined || target > Math.floor(serverVersionNum / 10000);
}
