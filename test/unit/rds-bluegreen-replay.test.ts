import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { rdsBluegreenCreateAction } from '../../scenarios/actions/rds-bluegreen-create.js';
import { rdsBluegreenWaitAction } from '../../scenarios/actions/rds-bluegreen-wait.js';
import { rdsBluegreenSwitchoverAction } from '../../scenarios/actions/rds-bluegreen-switchover.js';
import { rdsBluegreenDeleteAction } from '../../scenarios/actions/rds-bluegreen-delete.js';
import type { Transition } from '../../scenarios/aws/rds-bluegreen-transitions.js';
import { RdsReplayServer } from './rds-replay-server.js';
import { runRdsStep, statusPath, tempRunDir, useDummyAwsCredentials } from './rds-step-harness.js';

/*
 * The code paths the AWS emulator cannot reach, against RECORDED responses: a local HTTP server
 * replays RDS Query API XML (test/fixtures/rds/) to the real @aws-sdk/client-rds client. Covered
 * here: intermediate PROVISIONING states with task progress, INVALID_CONFIGURATION, a switchover
 * rolled back by its guardrails or timeout, SWITCHOVER_FAILED, an invalid-state refusal,
 * throttling (retried, then exhausted) and not-found. The happy path of every call also runs
 * against the real emulator in test/integration/rds-bluegreen-moto.test.ts.
 */

const ID = 'bgd-rehearsal00000001';
const SRC = 'arn:aws:rds:eu-west-1:123456789012:db:orders-blue';
let runDir: string;
const runDirs: string[] = [];

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = useDummyAwsCredentials();
});
afterAll(() => restoreEnv());
afterAll(async () => {
  for (const dir of runDirs) await rm(dir, { recursive: true, force: true });
});

async function freshRunDir(): Promise<string> {
  runDir = await tempRunDir();
  runDirs.push(runDir);
  return runDir;
}

const at = (server: RdsReplayServer) => ({ region: 'eu-west-1', endpoint: server.endpoint });
const transitionsOf = (details: Record<string, unknown>) => details.transitions as Transition[];

describe('rds-bluegreen-* against recorded RDS responses', () => {
  it('create sends the source ARN and target, records the identifier in the run, and the first state', async () => {
    await using server = await RdsReplayServer.start({ CreateBlueGreenDeployment: [{ file: 'create-provisioning.xml' }] });
    const dir = await freshRunDir();
    const step = await runRdsStep(rdsBluegreenCreateAction, { source: SRC, name: 'orders-pg17', targetEngineVersion: '17.4', targetParameterGroup: 'pg17-logical', ...at(server) }, dir);
    expect(step.status, step.error?.message).toBe('ok');
    expect(server.callsOf('CreateBlueGreenDeployment')[0]?.params).toMatchObject({ Source: SRC, BlueGreenDeploymentName: 'orders-pg17', TargetEngineVersion: '17.4', TargetDBParameterGroupName: 'pg17-logical' });
    expect(step.details).toMatchObject({ deploymentIdentifier: ID, name: 'orders-pg17', source: SRC, status: 'PROVISIONING' });
    expect(statusPath(step)).toEqual(['- -> PROVISIONING']);
    expect(step.phases.map((p) => p.name)).toEqual(['resolve-source', 'create', 'provisioning']);
    const recorded = JSON.parse(await readFile(join(dir, 'rds-bluegreen.json'), 'utf8')) as { deployments: { identifier: string }[] };
    expect(recorded.deployments.map((d) => d.identifier)).toEqual([ID]);
  });

  it('wait records every status and task transition with its time until AVAILABLE (the deployment found from the run)', async () => {
    await using server = await RdsReplayServer.start({
      CreateBlueGreenDeployment: [{ file: 'create-provisioning.xml' }],
      DescribeBlueGreenDeployments: [{ file: 'describe-provisioning-replica.xml' }, { file: 'describe-provisioning-upgrade.xml' }, { file: 'describe-available.xml' }],
    });
    const dir = await freshRunDir();
    await runRdsStep(rdsBluegreenCreateAction, { source: SRC, name: 'orders-pg17', ...at(server) }, dir);
    const step = await runRdsStep(rdsBluegreenWaitAction, { pollInterval: '20ms', timeout: '10s', ...at(server) }, dir);
    expect(step.status, step.error?.message).toBe('ok');
    expect(server.callsOf('DescribeBlueGreenDeployments').map((c) => c.params.BlueGreenDeploymentIdentifier)).toEqual([ID, ID, ID]);
    expect(statusPath(step)).toEqual(['- -> PROVISIONING', 'PROVISIONING -> AVAILABLE']);
    const tasks = transitionsOf(step.details).filter((t) => t.kind === 'task').map((t) => `${t.name}: ${t.from ?? '-'} -> ${t.to}`);
    expect(tasks).toEqual([
      'CREATING_READ_REPLICA_OF_SOURCE: - -> IN_PROGRESS',
      'DB_ENGINE_VERSION_UPGRADE: - -> PENDING',
      'CONFIGURE_BACKUPS: - -> PENDING',
      'CREATING_READ_REPLICA_OF_SOURCE: IN_PROGRESS -> COMPLETED',
      'DB_ENGINE_VERSION_UPGRADE: PENDING -> IN_PROGRESS',
      'DB_ENGINE_VERSION_UPGRADE: IN_PROGRESS -> COMPLETED',
      'CONFIGURE_BACKUPS: PENDING -> COMPLETED',
    ]);
    // Times are real and ordered: each transition carries the moment it was seen.
    const times = transitionsOf(step.details).map((t) => Date.parse(t.at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
    expect(step.phases.map((p) => p.name)).toEqual(['provisioning', 'available']);
    expect(step.details.availableAfterMs).toEqual(expect.any(Number));
  });

  it('wait fails on INVALID_CONFIGURATION with the deployment, the state and AWS reason', async () => {
    await using server = await RdsReplayServer.start({ DescribeBlueGreenDeployments: [{ file: 'describe-provisioning-replica.xml' }, { file: 'describe-invalid-configuration.xml' }] });
    const step = await runRdsStep(rdsBluegreenWaitAction, { deployment: ID, pollInterval: '20ms', ...at(server) }, await freshRunDir());
    expect(step.status).toBe('failed');
    expect(step.error?.message).toBe(`blue/green deployment ${ID} is INVALID_CONFIGURATION, not AVAILABLE: Logical replication failed for table public.events: the table has no replica identity`);
    expect(statusPath(step)).toEqual(['- -> PROVISIONING', 'PROVISIONING -> INVALID_CONFIGURATION']);
  });

  it('wait gives up at its timeout, naming the state and the tasks still pending', async () => {
    await using server = await RdsReplayServer.start({ DescribeBlueGreenDeployments: [{ file: 'describe-provisioning-upgrade.xml' }] });
    const step = await runRdsStep(rdsBluegreenWaitAction, { deployment: ID, pollInterval: '20ms', timeout: '150ms', ...at(server) }, await freshRunDir());
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(new RegExp(`^blue/green deployment ${ID} did not reach AVAILABLE within .*: state PROVISIONING; tasks DB_ENGINE_VERSION_UPGRADE IN_PROGRESS, CONFIGURE_BACKUPS PENDING$`));
  });

  it('switchover: the timeout sent, SWITCHOVER_COMPLETED, and every state and member transition with its time', async () => {
    await using server = await RdsReplayServer.start({
      DescribeBlueGreenDeployments: [{ file: 'describe-available.xml' }, { file: 'describe-switchover-in-progress.xml' }, { file: 'describe-switchover-in-progress.xml' }, { file: 'describe-switchover-completed.xml' }],
      SwitchoverBlueGreenDeployment: [{ file: 'switchover-in-progress.xml' }],
    });
    const step = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: ID, switchoverTimeout: '60s', pollInterval: '20ms', ...at(server) }, await freshRunDir());
    expect(step.status, step.error?.message).toBe('ok');
    expect(server.callsOf('SwitchoverBlueGreenDeployment')[0]?.params).toMatchObject({ BlueGreenDeploymentIdentifier: ID, SwitchoverTimeout: '60' });
    expect(step.details).toMatchObject({ outcome: 'completed', status: 'SWITCHOVER_COMPLETED', switchoverTimeoutMs: 60_000, statusDetails: 'Switchover completed' });
    expect(statusPath(step)).toEqual(['- -> AVAILABLE', 'AVAILABLE -> SWITCHOVER_IN_PROGRESS', 'SWITCHOVER_IN_PROGRESS -> SWITCHOVER_COMPLETED']);
    const member = transitionsOf(step.details).filter((t) => t.kind === 'member').map((t) => t.to);
    expect(member).toEqual(['AVAILABLE', 'PRE_SWITCHOVER', 'SWITCHOVER_IN_PROGRESS', 'SWITCHOVER_COMPLETED']);
    expect(step.phases.map((p) => p.name)).toEqual(['available', 'switchover-in-progress', 'switchover-completed']);
    expect(Date.parse(step.details.finalStateAt as string)).toBeGreaterThanOrEqual(Date.parse(step.details.requestedAt as string));
  });

  it('switchover rolled back by a guardrail: the step fails with the reason AWS gave', async () => {
    await using server = await RdsReplayServer.start({
      DescribeBlueGreenDeployments: [{ file: 'describe-available.xml' }, { file: 'describe-switchover-in-progress.xml' }, { file: 'describe-switchover-rolled-back.xml' }],
      SwitchoverBlueGreenDeployment: [{ file: 'switchover-in-progress.xml' }],
    });
    const step = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: ID, switchoverTimeout: '60s', pollInterval: '20ms', ...at(server) }, await freshRunDir());
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(new RegExp(`^switchover of blue/green deployment ${ID} rolled-back after .* \\(state AVAILABLE, timeout 60 s\\): Switchover rolled back: the replica lag`));
    expect(step.details).toMatchObject({ outcome: 'rolled-back', status: 'AVAILABLE', reason: expect.stringMatching(/^Switchover rolled back/) });
    expect(statusPath(step)).toEqual(['- -> AVAILABLE', 'AVAILABLE -> SWITCHOVER_IN_PROGRESS', 'SWITCHOVER_IN_PROGRESS -> AVAILABLE']);
  });

  it('switchover rolled back with allowRollback: the step is ok and the outcome recorded', async () => {
    await using server = await RdsReplayServer.start({
      DescribeBlueGreenDeployments: [{ file: 'describe-available.xml' }, { file: 'describe-switchover-in-progress.xml' }, { file: 'describe-switchover-rolled-back.xml' }],
      SwitchoverBlueGreenDeployment: [{ file: 'switchover-in-progress.xml' }],
    });
    const step = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: ID, pollInterval: '20ms', allowRollback: true, ...at(server) }, await freshRunDir());
    expect(step.status, step.error?.message).toBe('ok');
    expect(step.details).toMatchObject({ outcome: 'rolled-back', switchoverTimeoutMs: 300_000 });
  });

  it('switchover SWITCHOVER_FAILED fails the step with AWS reason', async () => {
    await using server = await RdsReplayServer.start({
      DescribeBlueGreenDeployments: [{ file: 'describe-available.xml' }, { file: 'describe-switchover-in-progress.xml' }, { file: 'describe-switchover-failed.xml' }],
      SwitchoverBlueGreenDeployment: [{ file: 'switchover-in-progress.xml' }],
    });
    const step = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: ID, pollInterval: '20ms', ...at(server) }, await freshRunDir());
    expect(step.status).toBe('failed');
    expect(step.details).toMatchObject({ outcome: 'failed', status: 'SWITCHOVER_FAILED' });
    expect(step.error?.message).toMatch(/SWITCHOVER_FAILED, timeout 300 s\): Switchover failed: a long-running transaction/);
  });

  it('switchover refused in a wrong state: the message names the call, the deployment, its state and the AWS error', async () => {
    await using server = await RdsReplayServer.start({
      DescribeBlueGreenDeployments: [{ file: 'describe-provisioning-replica.xml' }],
      SwitchoverBlueGreenDeployment: [{ file: 'error-invalid-state.xml', status: 400 }],
    });
    const step = await runRdsStep(rdsBluegreenSwitchoverAction, { deployment: ID, ...at(server) }, await freshRunDir());
    expect(step.status).toBe('failed');
    expect(step.error?.message).toBe(
      `SwitchoverBlueGreenDeployment on ${ID} (state PROVISIONING) failed: InvalidBlueGreenDeploymentStateFault: The blue/green deployment ${ID} can't be switched over because it isn't in the AVAILABLE state.`,
    );
  });

  it('throttling is retried by the SDK; once the attempts are spent the step fails saying so', async () => {
    {
      await using server = await RdsReplayServer.start({ DescribeBlueGreenDeployments: [{ file: 'error-throttling.xml', status: 400 }, { file: 'describe-available.xml' }] });
      const step = await runRdsStep(rdsBluegreenWaitAction, { deployment: ID, pollInterval: '20ms', ...at(server) }, await freshRunDir());
      expect(step.status, step.error?.message).toBe('ok');
      expect(server.callsOf('DescribeBlueGreenDeployments')).toHaveLength(2);
    }
    {
      await using server = await RdsReplayServer.start({ DescribeBlueGreenDeployments: [{ file: 'error-throttling.xml', status: 400 }] });
      const step = await runRdsStep(rdsBluegreenWaitAction, { deployment: ID, maxAttempts: 2, ...at(server) }, await freshRunDir());
      expect(step.status).toBe('failed');
      expect(step.error?.message).toBe(`DescribeBlueGreenDeployments on ${ID} failed: throttled by AWS after 2 attempts: Rate exceeded`);
      expect(server.callsOf('DescribeBlueGreenDeployments')).toHaveLength(2);
    }
  });

  it('delete of an unknown deployment fails naming it; a delete waits until the deployment is gone', async () => {
    {
      await using server = await RdsReplayServer.start({
        DescribeBlueGreenDeployments: [{ file: 'error-not-found.xml', status: 404 }],
        DeleteBlueGreenDeployment: [{ file: 'error-not-found.xml', status: 404 }],
      });
      const step = await runRdsStep(rdsBluegreenDeleteAction, { deployment: ID, ...at(server) }, await freshRunDir());
      expect(step.status).toBe('failed');
      expect(step.error?.message).toBe(`DeleteBlueGreenDeployment on ${ID} failed: BlueGreenDeploymentNotFoundFault: BlueGreenDeploymentIdentifier ${ID} doesn't refer to an existing blue/green deployment.`);
    }
    {
      await using server = await RdsReplayServer.start({
        DescribeBlueGreenDeployments: [{ file: 'describe-switchover-completed.xml' }, { file: 'error-not-found.xml', status: 404 }],
        DeleteBlueGreenDeployment: [{ file: 'delete-deleting.xml' }],
      });
      const step = await runRdsStep(rdsBluegreenDeleteAction, { deployment: ID, pollInterval: '20ms', ...at(server) }, await freshRunDir());
      expect(step.status, step.error?.message).toBe('ok');
      expect(server.callsOf('DeleteBlueGreenDeployment')[0]?.params).toEqual({ Action: 'DeleteBlueGreenDeployment', Version: '2014-10-31', BlueGreenDeploymentIdentifier: ID });
      expect(statusPath(step)).toEqual(['- -> SWITCHOVER_COMPLETED', 'SWITCHOVER_COMPLETED -> DELETING', 'DELETING -> DELETED']);
      expect(step.details.status).toBe('DELETED');
    }
  });

  it('never writes credentials into the step record or its log', async () => {
    await using server = await RdsReplayServer.start({ DescribeBlueGreenDeployments: [{ file: 'error-throttling.xml', status: 400 }] });
    const step = await runRdsStep(rdsBluegreenWaitAction, { deployment: ID, maxAttempts: 1, ...at(server) }, await freshRunDir());
    expect(step.status).toBe('failed');
    const text = JSON.stringify(step);
    expect(text).not.toContain(process.env.AWS_SECRET_ACCESS_KEY);
    expect(text).not.toContain(process.env.AWS_ACCESS_KEY_ID);
  });
});
