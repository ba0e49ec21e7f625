import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { patroniTarget, requireLeader, checkCandidate, rejoined, promotedAfter } from '../patroni/patroni-target.js';
import { memberSummary } from '../patroni/patroni-rest.js';
import { defineAction } from './action-types.js';
import { durationParam } from './duration-param.js';
import { patroniStepProblems } from './patroni-rules.js';

/**
 * `patroni-switchover`: a planned switchover through Patroni's REST API (`POST /switchover`): the
 * leader stops cleanly once its WAL reached the candidate, the candidate is promoted, the old
 * leader rejoins as a replica. The soak follows the leader through the multi-host string.
 */
export const patroniSwitchoverAction = defineAction({
  name: 'patroni-switchover',
  summary: "planned switchover of a Patroni cluster through its REST API (POST /switchover); the old leader rejoins as a replica",
  params: z
    .object({
      candidate: z.string().min(1).optional().describe('The member to promote; default the one Patroni picks (the healthiest replica).'),
      api: z.string().min(1).optional().describe('A member\'s REST API URL (`http://host:8008`, credentials as `http://user:password@host:8008`); default the Patroni cluster cutover runs.'),
      timeout: durationParam({ minMs: 1_000, maxMs: 3_600_000 }).default(120_000).describe('Longest the new leader and the old one\'s rejoin may take, each.'),
    })
    .strict(),
  title: (p) => `Patroni switchover${p.candidate ? ` to ${p.candidate}` : ''}`,
  validate: (scenario, p) => patroniStepProblems(scenario, p.api),
  async run(ctx, p) {
    const target = patroniTarget(ctx.topology, p.api, 'patroni-switchover');
    ctx.phase('check');
    const before = await target.state(ctx.signal);
    const leader = requireLeader(before, 'patroni-switchover');
    checkCandidate(before, p.candidate, leader, 'patroni-switchover');
    ctx.detail('from', leader.name);
    ctx.detail('timelineBefore', leader.timeline);

    ctx.phase('switchover');
    const asked = Date.now();
    const answer = await target.restFor(leader.name).post('/switchover', { leader: leader.name, ...(p.candidate ? { candidate: p.candidate } : {}) }, ctx.signal);
    if (answer.status !== 200) {
      throw new CutoverError('provision', `patroni-switchover: Patroni refused the switchover (HTTP ${answer.status} from ${target.restFor(leader.name).url}/switchover): ${answer.text.trim()}`);
    }
    ctx.detail('patroni', answer.text.trim());
    const promoted = await target.waitFor((s) => promotedAfter(s, leader), { what: `new leader running (after ${leader.name})`, timeoutMs: p.timeout, signal: ctx.signal });
    const next = requireLeader(promoted, 'patroni-switchover');
    ctx.detail('to', next.name);
    ctx.detail('timelineAfter', next.timeline);
    ctx.detail('promotionMs', Date.now() - asked);
    if (ctx.topology.has(next.name)) ctx.writerMoved(next.name);
    ctx.log(`patroni-switchover: ${leader.name} -> ${next.name} (timeline ${leader.timeline ?? '?'} -> ${next.timeline ?? '?'})`);

    ctx.phase('rejoin');
    const after = await target.waitFor((s) => rejoined(s, leader.name, next), { what: `${leader.name} streaming from ${next.name}`, timeoutMs: p.timeout, signal: ctx.signal });
    ctx.detail('members', memberSummary(after));
    ctx.detail('rejoinedMs', Date.now() - asked);
  },
});
