import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDBInstanceCommand, DescribeBlueGreenDeploymentsCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { type Moto, startMoto } from '../support/moto.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import type { RunManifest } from '../../run/manifest.js';
import { escapeHtml } from '../../reports/escape.js';
import { rdsBluegreenCreateAction } from '../../scenarios/actions/rds-bluegreen-create.js';
import { rdsBluegreenWaitAction } from '../../scenarios/actions/rds-bluegreen-wait.js';
import { rdsBluegreenSwitchoverAction } from '../../scenarios/actions/rds-bluegreen-switchover.js';
import { rdsBluegreenDeleteAction } from '../../scenarios/actions/rds-bluegreen-delete.js';
import type { Transition } from '../../scenarios/aws/rds-bluegreen-transitions.js';
import { runRdsStep, statusPath, tempRunDir, useDummyAwsCredentials } from '../unit/rds-step-harness.js';

/*
 * The Blue/Green actions against the REAL AWS API emulator (moto_server on loopback, started
 * here). moto implements CreateBlueGreenDeployment, DescribeBlueGreenDeployments,
 * SwitchoverBlueGreenDeployment and DeleteBlueGreenDeployment; it answers create with
 * PROVISIONING then describes AVAILABLE at once, answers a switchover with
 * SWITCHOVER_IN_PROGRESS then describes SWITCHOVER_COMPLETED, and a delete with DELETING, then
 * not found. States it never produces (task progress, rollbacks, failures, throttling) are
 * covered against recorded responses in test/unit/rds-bluegreen-replay.test.ts.
 */

let moto: Moto;
let work: string;
let rds: RDSClient;

async function createBlueInstance(id: string): Promise<string> {
  const out = await rds.send(
    new CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t3.micro', MasterUsername: 'app', MasterUserPassword: 'not-a-real-password', AllocatedStorage: 20 }),
  );
  return out.DBInstance?.DBInstanceArn ?? '';
}

beforeAll(async () => {
  useDummyAwsCredentials();
  moto = await startMoto();
  work = await mkdtemp(join(tmpdir(), 'cutover-rds-moto-'));
  rds = new RDSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  rds?.destroy();
  await moto?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('rds-bluegreen-* steps against moto', () => {
  it('create (from an instance identifier), wait, switch over, delete: each records its transitions', async () => {
    const blueArn = await createBlueInstance('orders-blue');
    const runDir = await tempRunDir();
    const at = { region: moto.region, endpoint: moto.endpoint };
    try {
      const create = await runRdsStep(rdsBluegreenCreateAction, { source: 'orders-blue', name: 'orders-pg17', targetEngineVersion: '17.4', ...at }, runDir);
      expect(create.status, create.error?.message).toBe('ok');
      expect(create.details).toMatchObject({ source: blueArn, name: 'orders-pg17', status: 'PROVISIONING', deploymentIdentifier: expect.stringMatching(/^bgd-/) });
      const id = create.details.deploymentIdentifier as string;
      // The deployment exists in the emulator, with a green on the target version.
      const [described] = (await rds.send(new DescribeBlueGreenDeploymentsCommand({ BlueGreenDeploymentIdentifier: id }))).BlueGreenDeployments ?? [];
      expect(described?.Source).toBe(blueArn);
      const greens = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances?.filter((d) => d.DBInstanceIdentifier?.startsWith('orders-blue-green-'));
      expect(greens?.map((g) => g.EngineVersion)).toEqual(['17.4']);

      const wait = await runRdsStep(rdsBluegreenWaitAction, { pollInterval: '50ms', timeout: '20s', ...at }, runDir);
      expect(wait.status, wait.error?.message).toBe('ok');
      expect(wait.details.deploymentIdentifier).toBe(id);
      expect(statusPath(wait)).toEqual(['- -> AVAILABLE']);
      expect((wait.details.transitions as Transition[]).filter((t) => t.kind === 'task').map((t) => `${t.name} ${t.to}`)).toEqual(['CREATING_READ_REPLICA_OF_SOURCE COMPLETED', 'CONFIGURE_BACKUPS COMPLETED']);

      const switchover = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: 'orders-pg17', switchoverTimeout: '45s', pollInterval: '50ms', ...at }, runDir);
      expect(switchover.status, switchover.error?.message).toBe('ok');
      expect(switchover.details).toMatchObject({ deploymentIdentifier: id, outcome: 'completed', status: 'SWITCHOVER_COMPLETED', switchoverTimeoutMs: 45_000 });
      expect(statusPath(switchover)).toEqual(['- -> AVAILABLE', 'AVAILABLE -> SWITCHOVER_IN_PROGRESS', 'SWITCHOVER_IN_PROGRESS -> SWITCHOVER_COMPLETED']);
      // moto renamed green to blue's identifier, as AWS does.
      const renamed = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-blue' }))).DBInstances?.[0];
      expect(renamed?.EngineVersion).toBe('17.4');

      const del = await runRdsStep(rdsBluegreenDeleteAction, { pollInterval: '50ms', ...at }, runDir);
      expect(del.status, del.error?.message).toBe('ok');
      expect(statusPath(del)).toEqual(['- -> SWITCHOVER_COMPLETED', 'SWITCHOVER_COMPLETED -> DELETING', 'DELETING -> DELETED']);
      await expect(rds.send(new DescribeBlueGreenDeploymentsCommand({ BlueGreenDeploymentIdentifier: id }))).rejects.toMatchObject({ name: 'BlueGreenDeploymentNotFoundFault' });
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });

  it('errors from the emulator fail the step with the call, the deployment and its state', async () => {
    const runDir = await tempRunDir();
    const at = { region: moto.region, endpoint: moto.endpoint };
    try {
      const unknownSource = await runRdsStep(rdsBluegreenCreateAction, { source: 'no-such-db', ...at }, runDir);
      expect(unknownSource.status).toBe('failed');
      expect(unknownSource.error?.message).toBe('source no-such-db: no DB instance or DB cluster has that identifier (give its ARN, or check the region)');
      const missing = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: 'bgd-doesnotexist000', ...at }, runDir);
      expect(missing.status).toBe('failed');
      expect(missing.error?.message).toBe('blue/green deployment bgd-doesnotexist000 does not exist (deleted, or another region)');
      // A second switchover of a completed deployment: moto refuses it as AWS does.
      await createBlueInstance('billing-blue');
      const create = await runRdsStep(rdsBluegreenCreateAction, { source: 'billing-blue', name: 'billing-pg17', ...at }, runDir);
      const first = await runRdsStep(rdsBluegreenSwitchoverAction, { pollInterval: '50ms', ...at }, runDir);
      expect(first.status, first.error?.message).toBe('ok');
      const again = await runRdsStep(rdsBluegreenSwitchoverAction, { pollInterval: '50ms', ...at }, runDir);
      expect(again.status).toBe('failed');
      expect(again.error?.message).toMatch(new RegExp(`^SwitchoverBlueGreenDeployment on ${create.details.deploymentIdentifier as string} \\(state SWITCHOVER_COMPLETED\\) failed: InvalidBlueGreenDeploymentStateFault: `));
    } finally {
      await rm(runDir, { recursive: true, force: true });
    }
  });
});

describe('cutover run: the Blue/Green steps as steps of a scenario, with the soak running through them', () => {
  it('runs create, wait, switchover and delete against moto and lists them in the step table', async () => {
    await createBlueInstance('shop-blue');
    const file = join(work, 'rds.scenario.yaml');
    const aws = `region: ${moto.region}, endpoint: '${moto.endpoint}'`;
    await writeFile(
      file,
      `name: rds-bluegreen
blue: { provider: embedded, version: '16' }
dataset: { name: notifications, scale: 0.1 }
soak: { rate: 30 }
steps:
  - { action: rds-bluegreen-create, source: shop-blue, name: shop-pg17, targetEngineVersion: '17.4', ${aws} }
  - { action: rds-bluegreen-wait, pollInterval: 100ms, timeout: 30s, ${aws} }
  - { action: rds-bluegreen-switchover, switchoverTimeout: 60s, pollInterval: 100ms, ${aws} }
  - { action: rds-bluegreen-delete, pollInterval: 100ms, ${aws} }
  - { action: wait, duration: 1s, name: on the new blue }
`,
    );
    const home = join(work, 'home');
    const env = cleanEnv(home, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'cli-secret-never-stored', AWS_EC2_METADATA_DISABLED: 'true' });
    delete env.AWS_PROFILE;
    const runsDir = join(work, 'runs');
    const result = await runCli(['run', file, '--runs-dir', runsDir], { env, cwd: work });
    expect(result.code, result.stderr).toBe(0);
    const [dir] = readdirSync(runsDir);
    const runDir = join(runsDir, dir as string);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunManifest;
    expect(run.steps.map((s) => [s.action, s.status])).toEqual([
      ['rds-bluegreen-create', 'ok'],
      ['rds-bluegreen-wait', 'ok'],
      ['rds-bluegreen-switchover', 'ok'],
      ['rds-bluegreen-delete', 'ok'],
      // moto answers in milliseconds: without a second of soak the run could measure no write at all.
      ['wait', 'ok'],
    ]);
    // They are steps like any other: the soak measured each one.
    for (const step of run.steps) expect(step).toMatchObject({ lost: 0, unexpected: 0, duplicated: 0, downtimeMs: expect.any(Number) });
    const switchover = run.steps[2]!;
    expect(switchover.details).toMatchObject({ outcome: 'completed', status: 'SWITCHOVER_COMPLETED', switchoverTimeoutMs: 60_000 });
    expect((switchover.details?.transitions as Transition[]).filter((t) => t.kind === 'status').map((t) => t.to)).toEqual(['AVAILABLE', 'SWITCHOVER_IN_PROGRESS', 'SWITCHOVER_COMPLETED']);
    expect(switchover.phases?.map((p) => p.name)).toEqual(['available', 'switchover-in-progress', 'switchover-completed']);
    expect(run.steps[3]?.details?.status).toBe('DELETED');
    // The step table of the report lists them by name.
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    for (const step of run.steps) expect(html).toContain(escapeHtml(step.name));
    // Credentials never reach the run directory.
    for (const f of readdirSync(runDir, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain('cli-secret-never-stored');
    }
  });
});
