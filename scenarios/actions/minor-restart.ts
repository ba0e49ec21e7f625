import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { EMBEDDED_PACKAGES, embeddedFullVersion, embeddedVersions } from '../providers/embedded-binaries.js';
import { defineAction } from './action-types.js';

/** `to`: an embedded version (`16`, `16.14`) or the path of a bindir of the same major. */
const target = z
  .string()
  .min(1)
  .refine((to) => to.includes('/') || EMBEDDED_PACKAGES[to] !== undefined, {
    message: `expected an embedded version (${embeddedVersions().join(', ')}) or the path of a bindir`,
  });

/**
 * `minor-restart`: stop fast, swap the binaries, start on the same data directory — a minor
 * version upgrade in place. Clients see the restart as an outage.
 */
export const minorRestartAction = defineAction({
  name: 'minor-restart',
  summary: 'stop, swap binaries (same major), start on the same data directory',
  params: z
    .object({
      to: target,
      /** The role restarted; default the writer. */
      role: z.string().min(1).optional(),
    })
    .strict(),
  title: (p, topology) => {
    const cluster = topology.clusters.get(p.role ?? topology.writer);
    const to = p.to.includes('/') ? p.to : embeddedFullVersion(p.to);
    return `minor restart ${cluster?.version || '?'} -> ${to}`;
  },
  async run(ctx, p) {
    const cluster = ctx.topology.get(p.role ?? ctx.topology.writer);
    const server = cluster.local;
    if (!server) {
      throw new CutoverError('usage', `minor-restart: role "${cluster.role}" is an external server; expected one cutover provisioned (embedded or bindir)`);
    }
    const targetMajor = p.to.includes('/') ? undefined : Number(p.to.split('.')[0]);
    if (targetMajor !== undefined && cluster.major && targetMajor !== cluster.major) {
      throw new CutoverError('usage', `minor-restart: "to" must be the same major as ${cluster.role} (${cluster.major}), got "${p.to}"`);
    }
    const from = cluster.version;
    ctx.detail('from', from);
    ctx.phase('stop');
    await server.stop('fast');
    ctx.phase('start');
    await server.restart(p.to.includes('/') ? { bindir: p.to } : { version: p.to });
    await cluster.refresh();
    ctx.detail('to', cluster.version);
    ctx.log(`${cluster.role}: PostgreSQL ${from} -> ${cluster.version} on the same data directory`);
  },
});
