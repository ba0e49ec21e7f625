import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { join } from 'node:path';
import { EMBEDDED_PACKAGES, embeddedBindir, embeddedFullVersion, embeddedVersions } from '../providers/embedded-binaries.js';
import { extensionSourceProblems, extensionSourceSchema, installationWithExtensions, withPreload } from '../providers/extension-install.js';
import { describeMissing, missingLibraries, missingLibraryInLog } from '../upgrade/library-preflight.js';
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
      extensions: z
        .array(extensionSourceSchema)
        .min(1)
        .optional()
        .describe('Extensions installed into a copy of the new installation before the restart (the same builds as the old one\'s: a library loads on every minor of its major).'),
      checkLibraries: z
        .boolean()
        .default(true)
        .describe('Before stopping, fails the step when the new installation lacks a preloaded library or an installed extension the old one has (blue keeps running); false restarts anyway.'),
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
    const extensions = p.extensions ? await extensionSourceProblems(p.extensions, 'field "extensions"', to ?? from) : [];
    if (from === undefined || to === undefined || from === to) return extensions;
    return [
      ...extensions,
      `field "to": expected a version of ${role}'s major (PostgreSQL ${from}), got "${p.to}" (PostgreSQL ${to}); a major upgrade is pg-upgrade, dump-restore or logical-bluegreen`];
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
    let bindir = p.to.includes('/') ? p.to : embeddedBindir(p.to);
    if (p.extensions) {
      ctx.phase('install');
      // Into a copy of the new installation, beside the data directory; the original stays as it is.
      const copy = await installationWithExtensions(bindir, p.extensions, join(server.baseDir, `installation-${cluster.version}-to-${p.to.includes('/') ? 'bindir' : p.to}`), 'minor-restart: field "extensions"');
      ctx.log(`${cluster.role}: ${copy.extensions.join(', ') || 'libraries'} installed into a copy of ${bindir}`);
      ctx.detail('installation', { copyOf: bindir, bindir: copy.bindir, extensions: copy.extensions });
      if (copy.preload.length) {
        await using admin = await cluster.admin('postgres');
        const [row] = await admin.query<{ s: string }>(`SELECT current_setting('shared_preload_libraries') AS s`);
        const wanted = withPreload(row?.s, copy.preload);
        if (wanted !== row?.s) await server.configure({ shared_preload_libraries: wanted });
      }
      bindir = copy.bindir;
    }
    // What the new binaries lack, asked before the server stops (and kept for the start's error).
    const missing = await missingLibraries(cluster, server.bindir, bindir);
    if (missing) {
      ctx.detail('missing', missing);
      if (p.checkLibraries) throw new CutoverError('provision', `minor-restart: ${describeMissing(missing, bindir)}; ${cluster.role} was not stopped`);
      ctx.log(`minor-restart: ${describeMissing(missing, bindir)}; restarting anyway (checkLibraries: false)`);
    }
    ctx.phase('stop');
    await server.stop('fast');
    ctx.phase('start');
    try {
      await server.restart({ bindir });
    } catch (error) {
      const library = missingLibraryInLog(await server.logTail(20));
      if (!library) throw error;
      const why = missing ? describeMissing(missing, bindir) : `its library ${library} is missing there (extension ${library} library missing); reinstall it or give the step "extensions"`;
      throw new CutoverError('provision', `minor-restart: ${cluster.role} did not start on ${bindir} (could not access file "${library}"): ${why}`, { cause: error });
    }
    await cluster.refresh();
    ctx.detail('to', cluster.version);
    ctx.log(`${cluster.role}: PostgreSQL ${from} -> ${cluster.version} on the same data directory`);
  },
});
