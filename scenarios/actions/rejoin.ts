import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CutoverError, errorLine } from '../../core/errors.js';
import { defineAction, type ActionContext } from './action-types.js';
import { isFrozen, thawServer } from '../replicas/freeze.js';
import { recloneAsStandby, slotFor } from '../replicas/provision-standby.js';
import { configureStandby } from '../replicas/standby-config.js';
import { ensurePhysicalSlot, inRecovery, waitStreaming } from '../replicas/replication-state.js';
import type { Cluster } from '../topology/cluster.js';

/**
 * `rejoin`: a former primary comes back as a standby of the current one: `pg_rewind` when its
 * bindir (or the installation of its major) has it (provisioned HA primaries run with
 * wal_log_hints=on, which it needs), else a fresh base backup (`reclone`). Writes only it had (the
 * lost ones of a failover) are discarded with its diverged WAL.
 */
export const rejoinAction = defineAction({
  name: 'rejoin',
  summary: 'bring a former primary back as a standby of the current one (pg_rewind, or a fresh base backup)',
  params: z
    .object({
      role: z.string().min(1).default('blue').describe('The former primary (default blue).'),
      method: z.enum(['auto', 'rewind', 'reclone']).default('auto').describe('pg_rewind, a fresh base backup, or auto: pg_rewind when at hand and it works, else a base backup.'),
    })
    .strict(),
  title: (p) => `rejoin ${p.role} as a standby${p.method === 'auto' ? '' : ` (${p.method})`}`,
  validate(scenario, p, plan) {
    if (!scenario.replicas?.length) return ['rejoin needs a topology with standbys: add "replicas" to the scenario'];
    if (!plan.specs[p.role]) return [`field "role": expected a server of the scenario, got "${p.role}"`];
    return [];
  },
  async run(ctx, p) {
    const old = ctx.topology.get(p.role);
    const primary = ctx.topology.get(ctx.topology.writer);
    const server = old.local;
    if (!server || !primary.local) throw new CutoverError('usage', `rejoin: expected servers cutover runs locally, got ${old.role} (${old.provider}) and ${primary.role} (${primary.provider})`);
    if (old === primary) throw new CutoverError('usage', `rejoin: ${old.role} is the primary now; promote or fail over to a standby first`);
    ctx.phase('stop');
    if (thawServer(old)) ctx.log(`${old.role}: thawed`);
    if (server.isRunning) {
      if ((await inRecovery(old)) === true) throw new CutoverError('usage', `rejoin: ${old.role} is a standby already`);
      // A second primary (promote with primary: none, or thawed after a freeze): its writes diverge; stopped now.
      await server.stop('immediate');
    }
    const rewind = rewindBinary(old);
    let method: 'rewind' | 'reclone' = p.method === 'reclone' || (p.method === 'auto' && !rewind) ? 'reclone' : 'rewind';
    if (method === 'rewind') {
      if (!rewind) throw new CutoverError('usage', `rejoin: method "rewind" needs pg_rewind in ${server.bindir}${old.toolsBindir ? ` or ${old.toolsBindir}` : ''}; use method "reclone" or "auto"`);
      try {
        await rewindOnto(ctx, old, primary, rewind);
      } catch (error) {
        if (p.method === 'rewind') throw error;
        ctx.detail('rewindFailed', errorLine(error));
        ctx.log(`${old.role}: pg_rewind failed (${errorLine(error)}); taking a fresh base backup instead`);
        method = 'reclone';
      }
    }
    if (method === 'reclone') {
      ctx.phase('base backup');
      await recloneAsStandby(server, primary, old.role);
    }
    ctx.detail('method', method);
    ctx.phase('start');
    await server.start();
    await waitStreaming(primary, old.role, { signal: ctx.signal });
    await old.refresh();
    ctx.log(`${old.role}: a standby of ${primary.role} again (${method === 'rewind' ? 'pg_rewind' : 'fresh base backup'}), streaming from slot ${slotFor(old.role)}`);
  },
});

/** pg_rewind of the server's own bindir, else of the installation of its major; undefined when neither has it. */
function rewindBinary(cluster: Cluster): string | undefined {
  for (const dir of [cluster.local?.bindir, cluster.toolsBindir]) {
    if (dir && existsSync(join(dir, 'pg_rewind'))) return join(dir, 'pg_rewind');
  }
  return undefined;
}

/**
 * pg_rewind needs a target shut down cleanly: after a crash the old primary is started read-only
 * (recovery runs, nobody settles on it) and stopped fast first. Then its diverged WAL is rewound
 * onto the new primary's timeline, and it is configured as a standby with a slot of its own.
 */
async function rewindOnto(ctx: ActionContext, old: Cluster, primary: Cluster, pgRewind: string): Promise<void> {
  const server = old.local;
  const source = primary.local;
  if (!server || !source) return;
  if (!isFrozen(old)) {
    ctx.phase('clean shutdown');
    await server.configure({ default_transaction_read_only: 'on' });
    await server.start();
    await server.stop('fast');
  }
  ctx.phase('pg_rewind');
  const conninfo = `host=${source.host} port=${source.port} user=${source.superuser} dbname=postgres`;
  const result = await server.run(pgRewind, ['--target-pgdata', server.dataDir, '--source-server', conninfo], {
    env: { ...process.env, LC_ALL: 'C', PGPASSWORD: source.password },
    timeoutMs: 600_000,
  });
  ctx.detail('pgRewind', result.stdout.trim().split('\n').slice(-3).join('\n') || result.stderr.trim().split('\n').slice(-3).join('\n'));
  const slot = slotFor(old.role);
  await ensurePhysicalSlot(primary, slot);
  await configureStandby(server, { primary: source, slot, applicationName: old.role });
}
