import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { defineAction } from './action-types.js';

/**
 * `image-swap`: the Docker user's upgrade — stop the container, start the new image on the same
 * data volume and port. A minor version (`postgres:16.3` → `postgres:16.4`) or a new build of the
 * same major with other extensions; a new major refuses to start on the old data (that is
 * pg-upgrade, dump-restore or logical-bluegreen). Clients see the swap as an outage, measured by
 * the soak.
 */
export const imageSwapAction = defineAction({
  name: 'image-swap',
  summary: 'stop the container, start a new image (same major) on the same data volume and port',
  params: z
    .object({
      image: z.string().min(1).describe('The image to start on the volume, e.g. `postgres:17.2` or `pgvector/pgvector:0.8.0-pg17`.'),
      role: z.string().min(1).optional().describe('The role swapped; default the writer.'),
    })
    .strict(),
  title: (p, topology) => {
    const cluster = topology.clusters.get(p.role ?? topology.writer);
    return `image swap ${cluster?.container?.image ?? '?'} -> ${p.image}`;
  },
  validate(_scenario, p, plan) {
    const role = p.role ?? plan.writer;
    const spec = plan.specs[role];
    if (!spec) return [`field "role": expected one of ${Object.keys(plan.specs).filter((r) => plan.specs[r]).map((r) => `"${r}"`).join(', ')}, got "${role}"`];
    if (spec.provider !== 'container') return [`role "${role}" is provider "${spec.provider}"; an image swap needs a container (provider: container)`];
    return [];
  },
  async run(ctx, p) {
    const cluster = ctx.topology.get(p.role ?? ctx.topology.writer);
    const server = cluster.container;
    if (!server) throw new CutoverError('usage', `image-swap: role "${cluster.role}" is not a container (provider "${cluster.provider}")`);
    const from = { image: server.image, version: cluster.version };
    ctx.detail('fromImage', from.image);
    ctx.detail('from', from.version);
    ctx.phase('stop');
    await server.stop();
    ctx.phase('start');
    try {
      await server.startImage(p.image);
    } catch (error) {
      throw new CutoverError('provision', `image-swap: ${p.image} did not start on ${cluster.role}'s data (volume ${server.volume}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    await cluster.refresh();
    ctx.detail('toImage', p.image);
    ctx.detail('to', cluster.version);
    ctx.log(`${cluster.role}: ${from.image} (PostgreSQL ${from.version}) -> ${p.image} (PostgreSQL ${cluster.version}) on volume ${server.volume}`);
  },
});
