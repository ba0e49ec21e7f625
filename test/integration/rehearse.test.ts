import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { waitFor } from '../support/lab.js';
import { acceptsConnections } from '../support/net.js';
import type { RunManifest } from '../../run/manifest.js';

let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cutover-rehearse-test-'));
  env = cleanEnv(work);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function onlyRunDir(parent: string): string {
  const dirs = readdirSync(parent);
  expect(dirs).toHaveLength(1);
  expect(dirs[0]).toMatch(/^\d{8}-\d{6}-/);
  return join(parent, dirs[0] as string);
}

describe('cutover rehearse (embedded minor 16.4 -> 16.14)', () => {
  it('leaves a run directory whose run.json follows the contract, with a report, and exits 0', async () => {
    const runsDir = join(work, 'runs');
    const result = await runCli(['rehearse', '--method', 'minor', '--from', '16.4', '--to', '16', '--duration', '6s', '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/report: .*report\.html/);

    const runDir = onlyRunDir(runsDir);
    for (const file of ['run.json', 'pre.snapshot.json', 'post.snapshot.json', 'findings.json', 'report.html', 'junit.xml', 'summary.md']) {
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(['pass', 'warn']).toContain(run.verdict);
    expect(run.method).toBe('minor');
    // The soak time is split around the upgrade by wait steps.
    expect(run.steps.map((s) => s.action)).toEqual(['wait', 'minor-restart', 'wait']);
    const step = run.steps[1]!;
    expect(step).toMatchObject({ name: 'minor restart 16.4 -> 16.14', action: 'minor-restart', status: 'ok' });
    expect(step.startedAt).toMatch(ISO);
    expect(step.endedAt).toMatch(ISO);
    expect(step.durationMs).toBe(Date.parse(step.endedAt) - Date.parse(step.startedAt));
    // A restart stops the server: clients see refusals, so the probe measures an outage.
    expect(step.downtimeMs).toBeGreaterThan(0);
    expect(step.downtimeMs).toBeLessThan(step.durationMs + 1);
    expect(step.failedAttempts).toBeGreaterThan(0);
    // The soak ran through the step: its ledger is verified, and a restart with -m fast loses nothing.
    expect(step).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    expect(step.downtimeResolutionMs).toBeGreaterThan(0);
    expect(step.downtimeResolutionMs).toBeLessThanOrEqual(20);
    expect(step.outages?.length).toBeGreaterThanOrEqual(1);
    const soak = run.soak!;
    expect(soak.summary).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0 });
    expect(soak.summary!.attempts).toBeGreaterThan(100);
    expect(soak.summary!.confirmed + soak.summary!.recovered + soak.summary!.notCommitted).toBeLessThanOrEqual(soak.summary!.attempts);
    // The soak ran before the step and after it.
    expect(Date.parse(soak.startedAt!)).toBeLessThan(Date.parse(step.startedAt) - 1_000);
    expect(Date.parse(soak.endedAt!)).toBeGreaterThan(Date.parse(step.endedAt) + 1_000);
    for (const file of ['timeline.ndjson', 'windows.ndjson', 'ledger']) expect(existsSync(join(runDir, file)), file).toBe(true);
    expect(result.stdout).toMatch(/lost 0, unexpected 0, duplicated 0/);

    const pre = JSON.parse(readFileSync(join(runDir, 'pre.snapshot.json'), 'utf8'));
    const post = JSON.parse(readFileSync(join(runDir, 'post.snapshot.json'), 'utf8'));
    expect(pre.server.version).toBe('16.4');
    expect(post.server.version).toBe('16.14');
    expect(pre.server.systemIdentifier).toBe(post.server.systemIdentifier);

    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('minor restart 16.4 -&gt; 16.14');
    // The step table shows the ledger figures as numbers, not dashes.
    const row = [...html.matchAll(/<tr class="step-ok">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '').find((r) => r.includes('minor restart')) ?? '';
    expect(row.match(/<td class="num">0<\/td>/g)?.length).toBe(3);
    // Scripts are inline (Chart.js and the charts' data), never loaded; outside them, no address to fetch.
    expect(html).not.toMatch(/<script[^>]*\bsrc=/);
    expect(html.replace(/<script\b[\s\S]*?<\/script>/g, '')).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    // Secrets never reach the run directory.
    for (const file of readdirSync(runDir, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) expect(readFileSync(join(file.parentPath, file.name), 'utf8')).not.toMatch(/"password"/);
    }

    // The server is gone when the command returns.
    expect(await acceptsConnections(run.endpoints.blue!.port)).toBe(false);

    // `cutover report` re-renders from the directory alone.
    const before = readFileSync(join(runDir, 'report.html'), 'utf8');
    await rm(join(runDir, 'report.html'));
    const again = await runCli(['report', runDir], { env, cwd: work });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8').length).toBeGreaterThan(before.length / 2);
  });

  it('on Ctrl-C exits 130 and still leaves a readable run directory, with no server left behind', async () => {
    const runsDir = join(work, 'interrupted');
    let sent = false;
    const result = await runCli(['rehearse', '--method', 'minor', '--duration', '6s', '--runs-dir', runsDir, '--scale', '5'], {
      env,
      cwd: work,
      onSpawn: (child) => {
        void waitFor(async () => existsSync(runsDir) && readdirSync(runsDir).some((d) => existsSync(join(runsDir, d, 'run.json'))), 'run.json', 60_000).then(() => {
          sent = child.kill('SIGINT');
        });
      },
    });
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    const runDir = onlyRunDir(runsDir);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(run.verdict).toBe('interrupted');
    expect(run.interrupted).toMatchObject({ how: 'signal', signal: 'SIGINT', at: expect.stringMatching(ISO) });
    expect(run.error?.message).toMatch(/interrupted/);
    expect(run.endedAt).toMatch(ISO);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    if (run.endpoints.blue) expect(await acceptsConnections(run.endpoints.blue.port)).toBe(false);
  });
});
