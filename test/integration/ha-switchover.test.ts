import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplicationLagSample } from '../../run/replication-lag.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';
import { runScenario } from '../support/run-scenario.js';
import { labBindir, labReady } from '../support/lab.js';

/**
 * A planned switchover to the standby and the old primary rejoining as its standby, with the soak
 * at 200/s through the multi-host string: nothing lost, the writer change on the timeline, the
 * standby's lag sampled each second from whichever server is the primary, and charted. With the
 * upgrade lab (PostgreSQL 17 with pg_rewind) the rejoin rewinds; on the embedded binaries it takes
 * a fresh base backup.
 */

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-ha-switchover-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const lab = labReady(17);

describe(`switchover and rejoin (${lab ? 'lab PostgreSQL 17: pg_rewind' : 'embedded 17: no pg_rewind, a fresh base backup'})`, () => {
  it('switches over with 0 lost, shows the writer change and the per-second standby lag, and brings the old primary back as a standby', async () => {
    const scenario = scenarioSchema.parse({
      name: 'ha-switchover',
      blue: lab ? { provider: 'bindir', bindir: labBindir(17) } : { provider: 'embedded', version: '17' },
      replicas: [{}],
      dataset: false,
      soak: { rate: 200 },
      steps: [
        { action: 'wait', duration: '2s' },
        { action: 'switchover' },
        { action: 'rejoin', role: 'blue' },
        { action: 'wait', duration: '2s' },
      ],
    });
    const lines: string[] = [];
    const { runDir, manifest: run } = await runScenario(scenario, { runsDir: work, log: (line) => lines.push(line) });
    const context = JSON.stringify({ error: run.error, steps: run.steps, log: lines.slice(-30) }, null, 1);
    expect(run.steps.map((s) => [s.action, s.status]), context).toEqual([
      ['wait', 'ok'],
      ['switchover', 'ok'],
      ['rejoin', 'ok'],
      ['wait', 'ok'],
    ]);
    for (const step of run.steps) expect(step, context).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    // The post-checks on the new primary find nothing wrong: the standbys' slots cutover made are not compared.
    const findings = JSON.parse(readFileSync(join(runDir, 'findings.json'), 'utf8')) as { findings?: { id: string; severity: string }[] } | { id: string; severity: string }[];
    const list = Array.isArray(findings) ? findings : (findings.findings ?? []);
    expect(list.filter((f) => f.severity !== 'info'), context).toEqual([]);
    expect(run.verdict).toBe('pass');
    expect(run.soak?.summary?.lost).toBe(0);
    expect(run.soak?.summary?.confirmed).toBeGreaterThan(300);
    const [, switchover, rejoin] = run.steps;
    expect(switchover?.details).toMatchObject({ from: 'blue', to: 'replica-1', lostAtPromotion: { count: 0 } });
    expect(rejoin?.details?.method).toBe(lab ? 'rewind' : 'reclone');
    expect(run.endpoints.writer?.port).toBe(run.endpoints['replica-1']?.port);

    // The writer change on the timeline: from blue's port to replica-1's.
    const blue = `${run.endpoints.blue!.host}:${run.endpoints.blue!.port}`;
    const replica = `${run.endpoints['replica-1']!.host}:${run.endpoints['replica-1']!.port}`;
    expect(run.soak?.writerServers?.changes.map((c) => [c.from, c.to]), context).toEqual([[blue, replica]]);

    // Lag: one sample a second of replica-1 on blue, then, after the rejoin, of blue on replica-1.
    const samples = readFileSync(join(runDir, 'replication-lag.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ReplicationLagSample);
    const before = samples.filter((s) => s.slot === 'replica-1' && s.primary === 'blue');
    const after = samples.filter((s) => s.slot === 'blue' && s.primary === 'replica-1');
    expect(before.length, context).toBeGreaterThanOrEqual(2);
    expect(after.length, context).toBeGreaterThanOrEqual(1);
    for (const s of [...before, ...after]) {
      expect(s).toMatchObject({ kind: 'physical', state: 'streaming', syncState: 'async' });
      expect(s.lagBytes).toBeGreaterThanOrEqual(0);
      expect(s.writeLagBytes).toBeGreaterThanOrEqual(0);
    }
    expect(before.some((s) => typeof s.replayLagMs === 'number'), JSON.stringify(before)).toBe(true);
    // Once a second: consecutive samples of one standby about 1 s apart.
    const gaps = before.slice(1).map((s, i) => s.t - before[i]!.t);
    for (const gap of gaps) expect(gap).toBeLessThan(1_600);

    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('cutover-chart-standby-lag');
    expect(html).toContain('replay, replica-1');
    expect(html).toContain('promoted replica-1 (writer was blue) in');
    expect(html).toMatch(/rejoined as a standby by (pg_rewind|a fresh base backup)/);
  }, 120_000);
});
