import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { EMBEDDED_PACKAGES, embeddedFullVersion, embeddedVersions } from '../providers/embedded-binaries.js';
import { bindirMajor, versionMajor } from './upgrade-rules.js';
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
      to: target.describe('The version to restart into: an embedded version of the same major (`16`, `16.14`) or the path of a bindir of the same major.'),
      role: z.string().min(1).optional().describe('The role restarted; default the writer.'),
    })
    .strict(),
  title: (p, topology) => {
    const cluster = topology.clusters.get(p.role ?? topology.writer);
    const to = p.to.includes('/') ? p.to : embeddedFullVersion(p.to);
    return `minor restart ${cluster?.version || '?'} -> ${to}`;
  },
  async validate(_scenario, p, plan) {
    const role = p.role ?? plan.writer;
    const spec = plan.specs[role];
    if (!spec) return [`field "role": expected one of ${Object.keys(plan.specs).filter((r) => plan.specs[r]).map((r) => `"${r}"`).join(', ')}, got "${role}"`];
    if (spec.provider === 'external') return [`role "${role}" is an external server; expected one cutover provisions (embedded or bindir)`];
    if (spec.provider === 'container') return [`role "${role}" is a container; its minor upgrade is a new image on the same volume: action image-swap`];
    const from = plan.majors[role];
    const to = p.to.includes('/') ? await bindirMajor(p.to) : versionMajor(p.to);
    if (from === undefined || to === undefined || from === to) return [];
    return [`field "to": expected a version of ${role}'s major (PostgreSQL ${from}), got "${p.to}" (PostgreSQL ${to}); a major upgrade is pg-upgrade, dump-restore or logical-bluegreen`];
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
