import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgUpgradeAction } from '../../scenarios/actions/pg-upgrade.js';
import { CutoverError } from '../../core/errors.js';
import { openSession } from '../../core/session.js';
import { TestActionContext, blueCluster, type StepOutcome } from '../support/action-context.js';
import { labBindir, labReady, startLabServer } from '../support/lab.js';
import { stepTableHtml } from '../../reports/step-table.js';
import { escapeHtml } from '../../reports/escape.js';
import type { RunManifest, StepRecord } from '../../run/manifest.js';
import { DOC_ROWS, clearForeignAttributeOptions, docCount, seedUpgradeFixture, vectorIndexes } from '../support/upgrade-fixtures.js';

/**
 * pg-upgrade on the lab's servers: a Debian 15 blue with pgvector (HNSW and IVFFlat indexes)
 * upgraded to the source-built 17 and 18, by link and by copy; and a refusal by pg_upgrade's
 * --check that leaves blue serving its data.
 */

const lab = labReady(15, 17, 18);

/** Per-phase durations, for the figures the report asks for. */
function timings(step: StepOutcome): string {
  return `${step.durationMs} ms (${step.phases.map((p) => `${p.name} ${p.durationMs}`).join(', ')}), downtime ${step.downtimeMs} ms`;
}

/** A run of that one step, as the report reads it. */
function runWith(step: StepOutcome): RunManifest {
  const record: StepRecord = { name: 'pg_upgrade', action: 'pg-upgrade', status: step.status, startedAt: '', endedAt: '', durationMs: step.durationMs, downtimeMs: null, failedAttempts: null, lost: null, unexpected: null, duplicated: null, ...(step.error ? { error: step.error } : {}) };
  return { steps: [record], files: {} } as unknown as RunManifest;
}

async function labBlue(o: { keepAttributeOptions?: boolean } = {}) {
  const server = await startLabServer(15, { name: 'pgu-blue-15' });
  const blue = await blueCluster(server, { provider: 'bindir', toolsBindir: labBindir(15) });
  {
    await using app = await blue.admin();
    await seedUpgradeFixture(app, { vector: true });
    if (!o.keepAttributeOptions) await clearForeignAttributeOptions(app);
  }
  return { server, blue };
}

describe.skipIf(!lab)(`pg-upgrade on lab servers${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  for (const c of [
    { to: 17 as const, mode: 'link' as const },
    { to: 18 as const, mode: 'copy' as const },
  ]) {
    it(`15 -> ${c.to} --${c.mode}: green serves on blue's port with the rows and valid pgvector indexes`, { timeout: 90_000 }, async () => {
      const { server, blue } = await labBlue();
      await using ctx = await TestActionContext.create({ scenario: { name: `pgu-${c.to}-${c.mode}`, green: { provider: 'bindir', bindir: labBindir(c.to) } }, blue });
      const bluePort = server.port;
      const step = await ctx.runStep(pgUpgradeAction, { mode: c.mode, jobs: 2 }, { probe: server });
      console.log(`pg-upgrade 15 -> ${c.to} --${c.mode}: ${timings(step)}`);
      expect(step.error, step.thrown instanceof Error ? step.thrown.message : undefined).toBeUndefined();
      expect(step.status).toBe('ok');
      expect(step.phases.map((p) => p.name)).toEqual(['provision', 'check', 'stop', 'upgrade', 'start', 'analyze', 'extensions', ...(c.mode === 'copy' ? ['start-old-blue', 'validate-data'] : [])]);

      const green = ctx.topology.get('green');
      expect(ctx.topology.writer).toBe('green');
      expect(step.writerMoves).toEqual(['green']);
      expect(green.local?.port).toBe(bluePort);
      expect(green.major).toBe(c.to);
      expect(server.isRunning).toBe(false);
      expect(await docCount(green)).toBe(DOC_ROWS);
      expect(await vectorIndexes(green)).toEqual([
        { index: 'docs_hnsw', method: 'hnsw', valid: true },
        { index: 'docs_ivf', method: 'ivfflat', valid: true },
      ]);
      // Blue's roles came along, with their passwords.
      {
        await using reader = await openSession({ ...green.endpoint(), user: 'app_reader', password: 'reader-secret' });
        expect((await reader.query<{ n: string }>(`SELECT count(*) AS n FROM docs`))[0]?.n).toBe(String(DOC_ROWS));
      }
      expect(step.details).toMatchObject({ mode: c.mode, from: expect.stringMatching(/^15\./), to: expect.stringMatching(new RegExp(`^${c.to}\\.`)), dataChecksums: false });
      expect(step.details.extensionUpdates).toEqual(expect.arrayContaining([expect.objectContaining({ database: 'app', extension: 'pg_stat_statements', from: '1.10' })]));
      {
        await using app = await green.admin();
        const ext = await app.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'pg_stat_statements'`);
        expect(ext[0]?.v).toBe(c.to === 17 ? '1.11' : '1.12');
        const [checksums] = await app.query<{ on: string }>(`SELECT current_setting('data_checksums') AS on`);
        expect(checksums?.on).toBe('off');
      }
      // The outputs are kept in the step's artifacts.
      const artifacts = join(ctx.runDir, 'steps', '1-pg-upgrade');
      expect(existsSync(join(artifacts, 'pg_upgrade-check.log'))).toBe(true);
      expect(existsSync(join(artifacts, `pg_upgrade-${c.mode}.log`))).toBe(true);
      expect(existsSync(join(artifacts, 'vacuumdb.log'))).toBe(true);
      // Clients were down only between the stop and the start, and came back on the same address.
      expect(step.downtimeMs).toBeGreaterThan(0);
    });
  }

  it('a refusal by pg_upgrade --check (a reg* column) fails the step with the reason; blue keeps serving its data', { timeout: 60_000 }, async () => {
    const { server, blue } = await labBlue();
    {
      await using app = await blue.admin();
      await app.query(`CREATE TABLE jobs (id int, handler regproc)`);
      await app.query(`INSERT INTO jobs VALUES (1, 'now')`);
    }
    await using ctx = await TestActionContext.create({ scenario: { name: 'pgu-refused', green: { provider: 'bindir', bindir: labBindir(17) } }, blue });
    const step = await ctx.runStep(pgUpgradeAction, { mode: 'link' });
    console.log(`pg-upgrade refused: ${timings(step)}; ${step.error?.message}`);
    expect(step.status).toBe('failed');
    expect(step.thrown).toBeInstanceOf(CutoverError);
    expect(step.error?.message).toMatch(/pg_upgrade --check exited with 1: .*reg\* data types in user tables.*public\.jobs\.handler/);
    // The record keeps how pg_upgrade ended, its explanation, and where its list of problem columns is now.
    const artifacts = join(ctx.runDir, 'steps', '1-pg-upgrade');
    expect(step.error?.tool).toMatchObject({ command: expect.stringMatching(/\/pg_upgrade .*--check/), exitCode: 1, stderrTail: expect.stringContaining('reg* data types') });
    expect(step.error?.detail).toMatch(/^Your installation contains one of the reg\* data types in user tables\. These data types reference system OIDs .* restart the upgrade\.$/);
    expect(step.error?.hint).toMatch(/A list of the problem columns is in the file: .*tables_using_reg\.txt$/);
    const listed = step.error?.hint?.split(' ').pop() ?? '';
    expect(listed.startsWith(artifacts)).toBe(true);
    expect(readFileSync(listed, 'utf8')).toMatch(/public\.jobs\.handler/);
    // The report shows the short message, with the record folded under it.
    const html = stepTableHtml(runWith(step));
    expect(html).toContain(escapeHtml(step.error?.message));
    expect(html).toMatch(/<details[\s\S]*Your installation contains one of the reg\* data types[\s\S]*tables_using_reg\.txt[\s\S]*pg_upgrade[\s\S]*<\/details>/);
    expect(step.phases.map((p) => p.name)).toEqual(['provision', 'check']);
    expect(ctx.topology.writer).toBe('blue');
    expect(server.isRunning).toBe(true);
    expect(await docCount(blue)).toBe(DOC_ROWS);
    expect(existsSync(join(ctx.runDir, 'steps', '1-pg-upgrade', 'pg_upgrade-check.log'))).toBe(true);
  });

  it("refuses Debian 15.20's pg_attver column options (pg_upgrade --check passes, the restore would not) before blue stops", { timeout: 60_000 }, async () => {
    const { server, blue } = await labBlue({ keepAttributeOptions: true });
    await using ctx = await TestActionContext.create({ scenario: { name: 'pgu-attver', green: { provider: 'bindir', bindir: labBindir(17) } }, blue });
    const step = await ctx.runStep(pgUpgradeAction, { mode: 'link' });
    console.log(`pg-upgrade refused (pg_attver): ${timings(step)}; ${step.error?.message}`);
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(/attribute options PostgreSQL does not know \(pg_attver\).*app: public\.docs\.id/);
    expect(step.phases.map((p) => p.name)).toEqual(['provision', 'check']);
    expect(server.isRunning).toBe(true);
    expect(await docCount(blue)).toBe(DOC_ROWS);
  });

  it('refuses a green without pg_upgrade, naming the option, before touching blue', async () => {
    const { server, blue } = await labBlue();
    await using ctx = await TestActionContext.create({ scenario: { name: 'pgu-embedded-green', green: { provider: 'embedded', version: '17' } }, blue });
    const step = await ctx.runStep(pgUpgradeAction, {});
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(/"green" must be a bindir provider .* got provider "embedded"/);
    expect(server.isRunning).toBe(true);
    expect(ctx.topology.has('green')).toBe(false);
  });
});
