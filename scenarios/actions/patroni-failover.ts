import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { patroniTarget, requireLeader, checkCandidate, rejoined, promotedAfter } from '../patroni/patroni-target.js';
import { memberSummary } from '../patroni/patroni-rest.js';
import { defineAction } from './action-types.js';
import { lostAtPromotion } from '../replicas/lost-at-promotion.js';
import { examineOldLeader } from '../patroni/examine-old-leader.js';
import { durationParam } from './duration-param.js';
import { patroniStepProblems } from './patroni-rules.js';

/**
 * `patroni-failover`: an unplanned failover. `kill` crashes the leader's node (SIGKILL to its
 * Patroni and its PostgreSQL: no shutdown, no leader key released) and lets Patroni elect a new
 * leader once the key expires; `api` asks Patroni for a failover to a candidate
 * (`POST /failover`). Writes the old leader acknowledged that the new one never received are
 * the ledger's lost writes.
 */
export const patroniFailoverAction = defineAction({
  name: 'patroni-failover',
  summary: "unplanned failover of a Patroni cluster: kill the leader's node and let Patroni elect, or POST /failover to a candidate",
  params: z
    .object({
      method: z.enum(['kill', 'api']).default('kill').describe("`kill`: SIGKILL the leader's Patroni and PostgreSQL (the cluster cutover runs); `api`: POST /failover to `candidate`."),
      candidate: z.string().min(1).optional().describe('The member to promote (required by `api`); with `kill`, Patroni elects.'),
      examine: z
        .boolean()
        .default(true)
        .describe("`kill` with `restart`: before its Patroni comes back, start the killed leader's PostgreSQL read-only on its own port and count which of the ids listed as lost it holds (`oldPrimaryExamined`)."),
      restart: z.boolean().default(true).describe("`kill`: start the killed node's Patroni again once a new leader runs, and wait until it streams from it (pg_rewind or a new clone, as Patroni decides)."),
      api: z.string().min(1).optional().describe('A member\'s REST API URL (`http://host:8008`); default the Patroni cluster cutover runs.'),
      timeout: durationParam({ minMs: 1_000, maxMs: 3_600_000 }).default(120_000).describe('Longest the election and the old leader\'s rejoin may take, each.'),
    })
    .strict()
    .refine((p) => p.method !== 'api' || p.candidate !== undefined, { message: 'method "api" needs "candidate" (Patroni\'s POST /failover names the member to promote)', path: ['candidate'] }),
  title: (p) => (p.method === 'kill' ? 'Patroni failover (leader killed)' : `Patroni failover to ${p.candidate ?? '?'}`),
  validate: (scenario, p) => patroniStepProblems(scenario, p.api, { provisioned: p.method === 'kill' }),
  async run(ctx, p) {
    const target = patroniTarget(ctx.topology, p.api, 'patroni-failover');
    ctx.phase('check');
    const before = await target.state(ctx.signal);
    const leader = requireLeader(before, 'patroni-failover');
    checkCandidate(before, p.candidate, leader, 'patroni-failover');
    ctx.detail('from', leader.name);
    ctx.detail('method', p.method);
    ctx.detail('timelineBefore', leader.timeline);

    let started: number;
    if (p.method === 'kill') {
      const cluster = target.cluster;
      if (!cluster) throw new CutoverError('usage', 'patroni-failover: method "kill" needs the Patroni cluster cutover runs (its processes); a cluster reached through "api" fails over with method "api"');
      ctx.phase('kill');
      started = Date.now();
      const killed = await cluster.node(leader.name).kill();
      ctx.detail('killed', killed);
      ctx.log(`patroni-failover: killed ${leader.name} (Patroni ${killed.patroniPid ?? '-'}, postmaster ${killed.postmasterPid ?? '-'}) with SIGKILL`);
    } else {
      ctx.phase('failover');
      started = Date.now();
      const rest = target.restFor(p.candidate);
      const answer = await rest.post('/failover', { candidate: p.candidate }, ctx.signal);
      if (answer.status !== 200) throw new CutoverError('provision', `patroni-failover: Patroni refused the failover (HTTP ${answer.status} from ${rest.url}/failover): ${answer.text.trim()}`);
      ctx.detail('patroni', answer.text.trim());
    }

    ctx.phase('elect');
    const elected = await target.waitFor((s) => promotedAfter(s, leader), { what: `new leader running (after ${leader.name})`, timeoutMs: p.timeout, signal: ctx.signal });
    const next = requireLeader(elected, 'patroni-failover');
    ctx.detail('to', next.name);
    ctx.detail('timelineAfter', next.timeline);
    ctx.detail('promotionMs', Date.now() - started);
    if (ctx.topology.has(next.name)) ctx.writerMoved(next.name);
    ctx.log(`patroni-failover: ${leader.name} -> ${next.name} in ${Date.now() - started} ms (timeline ${leader.timeline ?? '?'} -> ${next.timeline ?? '?'})`);

    const cluster = target.cluster;
    // The writes the new leader never received: this step's lost (the old leader, killed, cannot hand them over).
    const newLeader = ctx.topology.clusters.get(next.name);
    const lost = p.method === 'kill' && newLeader ? await lostAtPromotion({ runDir: ctx.runDir, newPrimary: newLeader, stoppedAt: started, signal: ctx.signal }) : undefined;
    if (lost) {
      ctx.detail('lostAtPromotion', lost);
      ctx.log(`patroni-failover: ${lost.count} acknowledged writes of ${leader.name} never reached ${next.name}`);
    }
    const restartKilled = p.method === 'kill' && p.restart && cluster;
    if (restartKilled && lost && p.examine) {
      ctx.phase('examine old leader');
      const seen = await examineOldLeader(cluster, cluster.node(leader.name), ctx.scenario.database, lost.ids);
      ctx.detail('oldPrimaryExamined', seen);
      ctx.log(`patroni-failover: ${leader.name} (read-only) holds ${seen.confirmed} of the ${lost.ids.length} ids listed as lost`);
    }
    if (!restartKilled && p.method === 'kill') {
      ctx.detail('members', memberSummary(elected));
      return;
    }
    ctx.phase('rejoin');
    const logFrom = restartKilled ? cluster.node(leader.name).logSize() : 0;
    if (restartKilled) cluster.node(leader.name).start();
    const after = await target.waitFor((s) => rejoined(s, leader.name, next), { what: `${leader.name} streaming from ${next.name}`, timeoutMs: p.timeout, signal: ctx.signal });
    ctx.detail('members', memberSummary(after));
    ctx.detail('rejoinedMs', Date.now() - started);
    if (restartKilled) {
      // How Patroni brought it back, from what its log says since the restart.
      const log = await cluster.node(leader.name).logSince(logFrom);
      ctx.detail('rejoinedBy', /running pg_rewind/.test(log) ? 'pg_rewind' : /basebackup/i.test(log) ? 'clone' : 'restart');
    }
  },
});
