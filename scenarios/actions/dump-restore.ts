import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CutoverError } from '../../core/errors.js';
import { quoteLiteral } from '../upgrade/sql-literal.js';
import { foreignAttributeOptions, refuseForeignAttributeOptions } from '../upgrade/attribute-options.js';
import { analyzeInStages } from '../upgrade/analyze-in-stages.js';
import { drainTransactions, makeReadOnly, makeWritable } from '../upgrade/block-writes.js';
import { dumpDatabase, dumpGlobals } from '../upgrade/pg-dump.js';
import { restoreDatabase, restoreGlobals } from '../upgrade/pg-restore.js';
import { toolsBindirOf } from '../upgrade/tool-bindir.js';
import { quoteIdentifier } from '../../load/sql-ident.js';
import { upgradeProblems } from './upgrade-rules.js';
import { defineAction } from './action-types.js';
import { dataSettings } from '../data/data-settings.js';
import { validateStepData } from '../data/step-validation.js';

/** The target version's client tools a dump and restore needs. */
const TOOLS = ['pg_dump', 'pg_dumpall', 'pg_restore', 'psql', 'vacuumdb'] as const;

/**
 * `dump-restore`: a major upgrade by logical copy into a new server of the scenario's `green`
 * installation. Writes stop on blue first (the endpoint switch blocks, or the database turns
 * read-only and its sessions are cut), so nothing acknowledged can miss the dump; then the
 * target version's pg_dump -Fd -j N, the roles, pg_restore -j N, statistics, and the writer moves.
 */
export const dumpRestoreAction = defineAction({
  name: 'dump-restore',
  summary: "writes blocked, the target version's pg_dump -Fd -j N and pg_restore -j N into green, analyze in stages, writer moved",
  params: z
    .object({
      jobs: z.number().int().positive().max(64).default(2).describe('Parallel jobs of pg_dump, pg_restore and vacuumdb.'),
    })
    .strict(),
  title: (p, topology) => `dump/restore from ${topology.clusters.get(topology.writer)?.version || '?'} (${p.jobs} jobs)`,
  movesWriterTo: 'green',
  validate: (_scenario, _p, plan) => upgradeProblems(plan, { green: ['embedded', 'bindir', 'container', 'external'], provisionedWriter: false }),
  async run(ctx, p) {
    const blue = ctx.topology.get(ctx.topology.writer);
    const spec = ctx.scenario.green;
    if (!spec) throw new CutoverError('config', `dump-restore: the scenario needs "green": expected the provider of the new server, got none`);
    const blueEndpoint = blue.endpoint();
    // Checked while blue still takes writes: the restore would replay them and fail after the block.
    refuseForeignAttributeOptions(await foreignAttributeOptions(blue, [blue.database]), 'dump-restore');
    // Green receives blue's roles with their passwords: giving its superuser blue's password up
    // front keeps cutover's own connections, and clients repointed by a switch, working after.
    ctx.phase('provision');
    const green = await ctx.provision('green', spec, blueEndpoint.password !== undefined ? { password: blueEndpoint.password } : {});
    const greenEndpoint = green.endpoint();
    const bindir = toolsBindirOf(green, TOOLS, 'green');
    const artifactDir = await ctx.artifactDir();
    const work = await mkdtemp(join(tmpdir(), 'cutover-dump-'));
    ctx.detail('from', blue.version);
    ctx.detail('to', green.version);
    ctx.detail('jobs', p.jobs);
    ctx.detail('tools', bindir);
    const sw = ctx.endpointSwitch;
    let blocked = false;
    try {
      ctx.phase('block');
      if (sw) {
        await sw.block();
        blocked = true;
        ctx.detail('blockedBy', `endpoint switch (${sw.style})`);
        ctx.detail('terminated', await drainTransactions(blue));
      } else {
        blocked = true;
        const how = await makeReadOnly(blue);
        ctx.detail('blockedBy', `database ${blue.database} read-only`);
        ctx.detail('terminated', how.terminated);
      }

      ctx.phase('dump');
      const dir = join(work, 'dump');
      const globals = join(work, 'globals.sql');
      await dumpGlobals({ bindir, endpoint: blueEndpoint, file: globals, artifactDir, signal: ctx.signal });
      await dumpDatabase({ bindir, endpoint: blueEndpoint, dir, jobs: p.jobs, artifactDir, signal: ctx.signal });

      ctx.phase('restore');
      const superuser = green.local?.superuser ?? green.container?.superuser;
      const ownPassword = green.local?.password ?? green.container?.password;
      // When blue's password was unknown, the globals replace green's superuser's: set it back.
      const afterSql =
        superuser && ownPassword && ownPassword !== blueEndpoint.password ? `ALTER ROLE ${quoteIdentifier(superuser)} PASSWORD ${quoteLiteral(ownPassword)};\n` : undefined;
      const roles = await restoreGlobals({ bindir, endpoint: green.endpoint('postgres'), file: globals, ...(afterSql ? { afterSql } : {}), artifactDir, signal: ctx.signal });
      ctx.detail('globalsErrorsIgnored', roles.ignored);
      await restoreDatabase({ bindir, endpoint: greenEndpoint, dir, jobs: p.jobs, artifactDir, signal: ctx.signal });

      ctx.phase('analyze');
      await analyzeInStages({ bindir, endpoint: greenEndpoint, all: false, jobs: p.jobs, artifactDir, signal: ctx.signal });
    } catch (error) {
      // Blue takes the writes again, so the run can drain its soak and post-check it.
      if (blocked) await unblock(blue, sw).catch((e: unknown) => ctx.log(`dump-restore: could not unblock blue: ${e instanceof Error ? e.message : String(e)}`));
      ctx.detail('blueAfterFailure', blocked ? 'writable again' : 'untouched');
      throw error;
    } finally {
      await rm(work, { recursive: true, force: true });
    }

    ctx.phase('switch');
    if (sw) {
      await sw.repoint(greenEndpoint);
      await sw.resume();
      ctx.detail('switch', `repointed to green (${sw.style})`);
    } else {
      // Nothing moves the clients: whoever runs them points them at green (the report says so).
      ctx.detail('switch', 'none: clients must be repointed to green');
      ctx.detail('clientsMustRepoint', true);
      ctx.log(`dump-restore: no endpoint switch; clients must be repointed to green (port ${greenEndpoint.port}); blue's database stays read-only`);
    }
    ctx.writerMoved(green.role);

    // Blue against green (default on): blue keeps what it had at the block, so any difference is the copy's.
    const data = dataSettings(ctx.scenario, true);
    if (data) await validateStepData(ctx, { action: 'dump-restore', source: blue, target: green, at: 'after-step', settings: data });
  },
});

/** Lets writes reach blue again after a failure. */
async function unblock(blue: Parameters<typeof makeWritable>[0], sw: { resume(): Promise<void> } | undefined): Promise<void> {
  if (sw) await sw.resume();
  else await makeWritable(blue);
}
