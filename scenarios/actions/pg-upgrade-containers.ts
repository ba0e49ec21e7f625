import { CutoverError } from '../../core/errors.js';
import { VOLUME_MOUNT, type ContainerServer } from '../providers/container-server.js';
import { dockerRuntime } from '../providers/docker-runtime.js';
import { cutoverLabels } from '../providers/container-labels.js';
import { analyzeInStages } from '../upgrade/analyze-in-stages.js';
import { updateExtensions } from '../upgrade/extension-updates.js';
import type { ActionContext } from './action-types.js';

/** pg_upgrade's own time limit in a container (the step's run can be stopped sooner with Ctrl-C). */
const UPGRADE_TIMEOUT_MS = 6 * 3_600_000;

/**
 * pg_upgrade between images sharing a volume, the way the widely used pg_upgrade images
 * (tianon/postgres-upgrade) do it: blue's container stops (a clean shutdown), a one-shot
 * container of `image` — both majors' binaries, PGBINOLD and PGBINNEW set — upgrades blue's data
 * directory into a new one on the same volume (`--link` or `--copy`), then green's image starts on
 * that directory, blue's port and password: clients reconnect to the same address. A failed
 * upgrade starts blue's image again on its data (before the link point, it is intact).
 */
export async function upgradeContainers(ctx: ActionContext, p: { mode: 'link' | 'copy'; jobs?: number; image: string }, blueServer: ContainerServer): Promise<void> {
  const blue = ctx.topology.get(ctx.topology.writer);
  const greenSpec = ctx.scenario.green;
  if (greenSpec?.provider !== 'container') throw new CutoverError('usage', `pg-upgrade: blue is a container, so green must be one too (provider: container, image: …), got ${greenSpec ? `"${greenSpec.provider}"` : 'none'}`);
  const newData = `${VOLUME_MOUNT}/pgdata-upgraded`;
  ctx.detail('mode', p.mode);
  ctx.detail('from', blue.version);
  ctx.detail('upgradeImage', p.image);
  ctx.detail('fromImage', blueServer.image);
  ctx.detail('toImage', greenSpec.image);

  ctx.phase('stop');
  await blueServer.stop();

  ctx.phase('upgrade');
  try {
    const output = await runUpgradeImage(p.image, blueServer, newData, p.mode, ctx.signal);
    ctx.log(`pg-upgrade: ${output.trim().split('\n').at(-1) ?? 'done'}`);
  } catch (error) {
    ctx.log(`pg-upgrade: the upgrade failed; starting ${blueServer.image} again on blue's data`);
    await blueServer.startImage(blueServer.image).catch((e: unknown) => ctx.log(`pg-upgrade: blue did not start again: ${e instanceof Error ? e.message : String(e)}`));
    throw error;
  }

  ctx.phase('start');
  const green = await ctx.provision('green', greenSpec, { port: blueServer.port, password: blueServer.password, volume: blueServer.volume, env: { PGDATA: newData } });
  ctx.detail('to', green.version);
  ctx.writerMoved(green.role);
  ctx.log(`pg-upgrade: ${blueServer.image} (PostgreSQL ${blue.version}) -> ${greenSpec.image} (PostgreSQL ${green.version}) by ${p.image} (--${p.mode}), on volume ${blueServer.volume}, port ${blueServer.port}`);

  ctx.phase('analyze');
  if (green.toolsBindir) {
    await analyzeInStages({ bindir: green.toolsBindir, endpoint: green.endpoint('postgres'), all: true, ...(p.jobs ? { jobs: p.jobs } : {}), artifactDir: await ctx.artifactDir(), signal: ctx.signal });
  } else {
    // No vacuumdb of this major on the host: ANALYZE from a session, database by database.
    ctx.log('pg-upgrade: no vacuumdb of the new major on this machine; ANALYZE of the database the run uses only');
    await using admin = await green.admin();
    await admin.query('ANALYZE');
  }

  ctx.phase('extensions');
  const updates = await updateExtensions(green);
  ctx.detail('extensionUpdates', updates);
  for (const u of updates) ctx.log(`pg-upgrade: ${u.database}: ALTER EXTENSION ${u.extension} UPDATE (${u.from} -> ${u.to})`);
}

/** Runs the upgrade image once on the volume; its output when it exits 0, else a clear error with its last lines. */
async function runUpgradeImage(image: string, blue: ContainerServer, newData: string, mode: 'link' | 'copy', signal: AbortSignal): Promise<string> {
  const client = await dockerRuntime();
  const { GenericContainer, Wait } = await import('testcontainers');
  let output = '';
  const container = new GenericContainer(image)
    .withNetworkMode('host')
    .withEnvironment({
      PGDATAOLD: blue.dataDir,
      PGDATANEW: newData,
      POSTGRES_UPGRADE_MODE: mode,
      POSTGRES_USER: blue.superuser,
      POSTGRES_PASSWORD: blue.password,
    })
    .withBindMounts([{ source: blue.volume, target: VOLUME_MOUNT, mode: 'rw' }])
    .withLabels(cutoverLabels('pg-upgrade'))
    .withWaitStrategy(Wait.forOneShotStartup())
    .withStartupTimeout(UPGRADE_TIMEOUT_MS)
    .withLogConsumer((stream) => stream.on('data', (chunk: Buffer | string) => void (output = (output + chunk.toString()).slice(-20_000))));
  let id: string | undefined;
  const onAbort = (): void => void (id && client.container.dockerode.getContainer(id).kill().catch(() => {}));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const started = await container.start();
    id = started.getId();
    return output;
  } catch (error) {
    const last = output.trim().split('\n').slice(-20).join('\n');
    throw new CutoverError('query', `pg-upgrade: ${image} failed to upgrade blue's data (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); its last output:\n${last}`, { cause: error });
  } finally {
    signal.removeEventListener('abort', onAbort);
    // One-shot: the exited container goes, the volume stays.
    const leftovers = await client.container.dockerode.listContainers({ all: true, filters: { ancestor: [image], status: ['exited'] } }).catch(() => []);
    for (const c of leftovers) if (c.Labels['dev.cutover.pid'] === String(process.pid)) await client.container.dockerode.getContainer(c.Id).remove({ force: true }).catch(() => {});
  }
}
