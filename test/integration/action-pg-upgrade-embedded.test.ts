import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgUpgradeAction } from '../../scenarios/actions/pg-upgrade.js';
import { LocalServer } from '../../scenarios/providers/local-server.js';
import { recoverBlue } from '../../scenarios/upgrade/recover-blue.js';
import { TestActionContext, blueCluster, type StepOutcome } from '../support/action-context.js';
import { labBindir, labReady, startLabServer } from '../support/lab.js';
import { DOC_ROWS, clearForeignAttributeOptions, docCount, seedUpgradeFixture, vectorIndexes } from '../support/upgrade-fixtures.js';

/**
 * pg-upgrade from an embedded (npm) 15, whose package lacks pg_controldata and pg_resetwal, so
 * the old bindir is assembled with the lab's Debian 15 tools; 15 -> 18 by link from the lab; a
 * link refused across filesystems while blue still serves; and blue's recovery after a failure
 * past the link point.
 */

const lab = labReady(15, 17, 18);

function timings(step: StepOutcome): string {
  return `${step.durationMs} ms (${step.phases.map((p) => `${p.name} ${p.durationMs}`).join(', ')}), downtime ${step.downtimeMs} ms`;
}

describe.skipIf(!lab)(`pg-upgrade from embedded and lab blues${lab ? '' : ' (skipped: the upgrade lab is not installed, run scripts/lab.sh)'}`, () => {
  it('embedded 15 -> lab 17 --link through an assembled old bindir', { timeout: 90_000 }, async () => {
    const server = await LocalServer.start({ version: '15', name: 'pgu-embedded-15' });
    const blue = await blueCluster(server, { provider: 'embedded', toolsBindir: labBindir(15) });
    {
      await using app = await blue.admin();
      await seedUpgradeFixture(app, { vector: false });
    }
    await using ctx = await TestActionContext.create({ scenario: { name: 'pgu-embedded', green: { provider: 'bindir', bindir: labBindir(17) } }, blue });
    const step = await ctx.runStep(pgUpgradeAction, { mode: 'link' }, { probe: server });
    console.log(`pg-upgrade embedded 15 -> 17 --link: ${timings(step)}`);
    expect(step.error, step.thrown instanceof Error ? step.thrown.message : undefined).toBeUndefined();
    expect(step.details.oldBindirAssembledFrom).toBe(labBindir(15));
    const green = ctx.topology.get('green');
    expect(green.major).toBe(17);
    expect(green.local?.port).toBe(server.port);
    expect(ctx.topology.writer).toBe('green');
    expect(await docCount(green)).toBe(DOC_ROWS);
    expect(step.details.extensionUpdates).toEqual([{ database: 'app', extension: 'pg_stat_statements', from: '1.10', to: '1.11' }]);
  });

  it('lab 15 -> 18 --link: pgvector indexes valid after', { timeout: 90_000 }, async () => {
    const server = await startLabServer(15, { name: 'pgu-blue-15' });
    const blue = await blueCluster(server, { provider: 'bindir', toolsBindir: labBindir(15) });
    {
      await using app = await blue.admin();
      await seedUpgradeFixture(app, { vector: true });
      await clearForeignAttributeOptions(app);
    }
    await using ctx = await TestActionContext.create({ scenario: { name: 'pgu-18-link', green: { provider: 'bindir', bindir: labBindir(18) } }, blue });
    const step = await ctx.runStep(pgUpgradeAction, { mode: 'link', jobs: 2 }, { probe: server });
    console.log(`pg-upgrade 15 -> 18 --link: ${timings(step)}`);
    expect(step.error, step.thrown instanceof Error ? step.thrown.message : undefined).toBeUndefined();
    const green = ctx.topology.get('green');
    expect(green.major).toBe(18);
    expect(await docCount(green)).toBe(DOC_ROWS);
    expect(await vectorIndexes(green)).toEqual([
      { index: 'docs_hnsw', method: 'hnsw', valid: true },
      { index: 'docs_ivf', method: 'ivfflat', valid: true },
    ]);
  });

  it('--link across filesystems is refused by the check while blue still serves', { timeout: 60_000 }, async () => {
    const server = await LocalServer.start({ version: '15', name: 'pgu-embedded-xfs' });
    const blue = await blueCluster(server, { provider: 'embedded', toolsBindir: labBindir(15) });
    {
      await using app = await blue.admin();
      await seedUpgradeFixture(app, { vector: false });
    }
    await using ctx = await TestActionContext.create({ scenario: { name: 'pgu-xfs', green: { provider: 'bindir', bindir: labBindir(17) } }, blue });
    // Green's data directory on tmpfs, blue's on the disk: no hard links between them.
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/dev/shm';
    let step: StepOutcome;
    try {
      step = await ctx.runStep(pgUpgradeAction, { mode: 'link' });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    console.log(`pg-upgrade refused (cross-device link): ${timings(step)}; ${step.error?.message}`);
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(/pg_upgrade --check exited with 1: .*hard link/i);
    expect(step.phases.map((p) => p.name)).toEqual(['provision', 'check']);
    expect(server.isRunning).toBe(true);
    expect(await docCount(blue)).toBe(DOC_ROWS);
  });

  it('after a failure past the link point, blue comes back when the new cluster never started', { timeout: 60_000 }, async () => {
    await using server = await LocalServer.start({ version: '15', name: 'pgu-recover' });
    {
      await using admin = await server.admin();
      await admin.query(`CREATE TABLE kept AS SELECT generate_series(1, 100) AS id`);
    }
    await server.stop('fast');
    const control = join(server.dataDir, 'global', 'pg_control');
    // What pg_upgrade --link does right before it links files.
    await rename(control, `${control}.old`);
    const lines: string[] = [];
    expect(await recoverBlue(server, { greenStarted: true, log: (l) => lines.push(l) })).toBe('not-startable');
    expect(server.isRunning).toBe(false);
    expect(await recoverBlue(server, { greenStarted: false, log: (l) => lines.push(l) })).toBe('restarted-after-unlink');
    expect(existsSync(control)).toBe(true);
    await using admin = await server.admin();
    expect((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM kept`))[0]?.n).toBe('100');
    expect(lines.join('\n')).toMatch(/pg_control\.old renamed back/);
  });
});
