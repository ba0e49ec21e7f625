import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { runChecked } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { openSession } from '../../core/session.js';
import { patroniTarget, requireLeader } from '../patroni/patroni-target.js';
import { memberSummary, runningLeader, streamingReplicas } from '../patroni/patroni-rest.js';
import { repointMembers, stopMembers, wipeRaft } from '../patroni/upgrade-members.js';
import { serverUser } from '../providers/server-user.js';
import { analyzeInStages } from '../upgrade/analyze-in-stages.js';
import { bindirVersion } from '../upgrade/bindir-version.js';
import { greenInitdbArgs, readClusterIdentity } from '../upgrade/green-initdb-args.js';
import { runPgUpgrade } from '../upgrade/pg-upgrade-run.js';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';
import { patroniStepProblems } from './patroni-rules.js';
import { bindirMajor } from './upgrade-rules.js';

/** What the new installation must hold: pg_upgrade, what Patroni runs, and what clones the replicas. */
const NEW_TOOLS = ['pg_upgrade', 'initdb', 'pg_ctl', 'postgres', 'pg_controldata', 'pg_basebackup', 'pg_rewind', 'vacuumdb'] as const;

/**
 * `patroni-major-upgrade`: Patroni's documented major upgrade of the cluster cutover runs. The new
 * data directory is initialised while the cluster still serves; then every Patroni stops (replicas
 * first), pg_upgrade runs on the leader's data, the cluster's state is wiped from the DCS (Raft's
 * journals), every member's configuration points at the new installation, the leader starts on the
 * upgraded data and the replicas, emptied, are cloned again by Patroni (pg_basebackup). Clients see
 * the whole stop-upgrade-start as an outage; it is measured, not hidden.
 */
export const patroniMajorUpgradeAction = defineAction({
  name: 'patroni-major-upgrade',
  summary: "major upgrade of a Patroni cluster as Patroni documents it: stop, pg_upgrade on the leader, wipe the DCS, start, re-clone the replicas",
  params: z
    .object({
      to: z.string().min(1).describe('The bindir of the new major (a full installation: pg_upgrade, pg_basebackup, pg_rewind, vacuumdb).'),
      mode: z.enum(['link', 'copy']).default('link').describe("pg_upgrade's transfer mode: `link` (hard links, seconds whatever the size) or `copy`."),
      analyze: z.boolean().default(true).describe('`vacuumdb --analyze-in-stages` on the new leader once every member is back.'),
      timeout: durationParam({ minMs: 1_000, maxMs: 24 * 3_600_000 }).default(600_000).describe('Longest the leader, then the replicas, may take to be back, each.'),
    })
    .strict(),
  title: (p, topology) => `Patroni major upgrade from ${topology.clusters.get(topology.writer)?.version || '?'} (pg_upgrade --${p.mode})`,
  async validate(scenario, p, plan) {
    const problems = patroniStepProblems(scenario, undefined, { provisioned: true });
    if (problems.length) return problems;
    if (!existsSync(join(p.to, 'pg_upgrade'))) return [`field "to": expected the bindir of a full PostgreSQL installation (with pg_upgrade), got "${p.to}"`];
    const from = plan.majors[plan.writer];
    const to = await bindirMajor(p.to);
    if (from !== undefined && to !== undefined && to <= from) return [`field "to": expected a newer major than the cluster's (PostgreSQL ${from}), got PostgreSQL ${to} in "${p.to}"`];
    return [];
  },
  async run(ctx, p) {
    const target = patroniTarget(ctx.topology, undefined, 'patroni-major-upgrade');
    const cluster = target.cluster;
    if (!cluster) throw new CutoverError('usage', 'patroni-major-upgrade: needs the Patroni cluster cutover runs');
    const artifacts = await ctx.artifactDir();

    ctx.phase('check');
    const missing = NEW_TOOLS.filter((t) => !existsSync(join(p.to, t)));
    if (missing.length) throw new CutoverError('usage', `patroni-major-upgrade: field "to": ${p.to} lacks ${missing.join(', ')}; expected a full PostgreSQL installation`);
    const newVersion = await bindirVersion(p.to);
    const leader = requireLeader(await cluster.state(ctx.signal), 'patroni-major-upgrade');
    const leaderNode = cluster.node(leader.name);
    const oldBindir = cluster.settings.bindir;
    const identity = await (async () => {
      await using admin = await openSession(cluster.endpointOf(leaderNode, 'postgres'), { applicationName: 'cutover' });
      return { ...(await readClusterIdentity(admin)), versionNum: admin.serverVersionNum };
    })();
    const fromMajor = Math.floor(identity.versionNum / 10_000);
    if (newVersion.major <= fromMajor) throw new CutoverError('usage', `patroni-major-upgrade: field "to": expected a newer major than the cluster's (${fromMajor}), got PostgreSQL ${newVersion.version}`);
    const fromVersion = ctx.topology.clusters.get(leader.name)?.version;
    ctx.detail('leader', leader.name);
    ctx.detail('from', fromVersion);
    ctx.detail('to', newVersion.version);
    ctx.detail('mode', p.mode);

    // While the cluster still serves: the new cluster pg_upgrade needs, initialised like the old one.
    ctx.phase('initdb');
    const newDataDir = join(leaderNode.layout.dir, `data-${newVersion.major}`);
    const user = serverUser();
    await runChecked(
      join(p.to, 'initdb'),
      ['-D', newDataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', ...greenInitdbArgs(identity, newVersion.major)],
      { uid: user?.uid, gid: user?.gid, cwd: leaderNode.layout.dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' }, timeoutMs: 300_000, signal: ctx.signal },
    );

    ctx.phase('stop');
    const stoppedAt = Date.now();
    ctx.detail('stopped', await stopMembers(cluster, leader.name));

    ctx.phase('upgrade');
    await runPgUpgrade({
      mode: p.mode,
      oldBindir,
      newBindir: p.to,
      oldDataDir: leaderNode.layout.dataDir,
      newDataDir,
      workDir: leaderNode.layout.dir,
      artifactDir: artifacts,
      signal: ctx.signal,
    });

    ctx.phase('dcs');
    await wipeRaft(cluster);
    await repointMembers(cluster, { leader: leaderNode, newDataDir, newBindir: p.to, major: newVersion.major });

    ctx.phase('start');
    // Every member at once: Raft needs a quorum before the leader can take its key; the replicas,
    // without a bootstrap section, wait for it and then clone it.
    cluster.start();
    await cluster.waitFor((s) => runningLeader(s)?.name === leader.name, { what: `${leader.name} leading on PostgreSQL ${newVersion.major}`, timeoutMs: p.timeout, signal: ctx.signal });
    ctx.detail('leaderBackMs', Date.now() - stoppedAt);
    ctx.log(`patroni-major-upgrade: ${leader.name} leads again on PostgreSQL ${newVersion.version}, ${Date.now() - stoppedAt} ms after the stop; replicas cloning`);

    ctx.phase('re-clone');
    const expected = cluster.nodes.length - 1;
    const all = await cluster.waitFor((s) => runningLeader(s)?.name === leader.name && streamingReplicas(s).length === expected, {
      what: `${expected} replicas streaming from ${leader.name} on PostgreSQL ${newVersion.major}`,
      timeoutMs: p.timeout,
      signal: ctx.signal,
    });
    ctx.detail('members', memberSummary(all));
    ctx.detail('replicasBackMs', Date.now() - stoppedAt);

    for (const member of cluster.nodes) await ctx.topology.clusters.get(member.name)?.refresh();
    if (ctx.topology.writer !== leader.name && ctx.topology.has(leader.name)) ctx.writerMoved(leader.name);

    if (p.analyze) {
      ctx.phase('analyze');
      await analyzeInStages({ bindir: p.to, endpoint: cluster.endpointOf(leaderNode, ctx.scenario.database), all: true, artifactDir: artifacts, signal: ctx.signal });
    }
  },
});
