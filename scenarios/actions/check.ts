import { join, relative } from 'node:path';
import { z } from 'zod';
import { resolveConfig } from '../../core/config.js';
import { runSuite } from '../../checks/suite.js';
import { writeSnapshot } from '../../checks/snapshot.js';
import { defineAction } from './action-types.js';

/**
 * `check`: the run's check suite on the writer, between steps (between the hops of a chained
 * upgrade), read-only as the pre- and post-checks are. Its snapshot is kept in the step's
 * directory (`steps/NN-check/snapshot.json`, comparable with `cutover diff` to the pre snapshot
 * or to an earlier hop's); the step records the server and each check's status. A check that
 * could not look is data (`error` with its reason), not the step's failure; an unreachable
 * writer fails the step.
 */
export const checkAction = defineAction({
  name: 'check',
  summary: "the run's check suite on the writer between steps (e.g. between upgrade hops); snapshot in the step's directory",
  params: z
    .object({
      suite: z.enum(['pre', 'post']).default('post').describe('The suite run: `post` (default; what the post-checks run) or `pre`.'),
    })
    .strict(),
  title: (p, topology) => `checks (${p.suite}) on ${topology.writer} ${topology.clusters.get(topology.writer)?.version ?? ''}`.trimEnd(),
  async run(ctx, p) {
    const writer = ctx.topology.get(ctx.topology.writer);
    const snapshot = await runSuite({ endpoint: writer.endpoint(), suite: p.suite, config: ctx.checks ?? resolveConfig({}) });
    const file = join(await ctx.artifactDir(), 'snapshot.json');
    await writeSnapshot(file, snapshot);
    const counts = { ok: 0, skipped: 0, error: 0 };
    for (const c of Object.values(snapshot.checks)) counts[c.status]++;
    const errors = Object.entries(snapshot.checks)
      .filter(([, c]) => c.status === 'error')
      .map(([id, c]) => ({ id, reason: c.reason ?? '' }));
    ctx.detail('role', writer.role);
    ctx.detail('server', snapshot.server.version);
    ctx.detail('snapshot', relative(ctx.runDir, file));
    ctx.detail('checks', counts);
    if (errors.length) ctx.detail('errors', errors);
    ctx.log(`check: ${counts.ok} ok, ${counts.skipped} skipped, ${counts.error} error on ${writer.role} (PostgreSQL ${snapshot.server.version})`);
  },
});
