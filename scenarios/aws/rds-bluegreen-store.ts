import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RDSClient } from '@aws-sdk/client-rds';
import { CutoverError } from '../../core/errors.js';
import { rdsError } from './rds-errors.js';

/** A deployment a step of this run created, so later steps find it without being told its id. */
export interface RecordedDeployment {
  identifier: string;
  name: string;
  source: string;
  createdAt: string;
}

/** `rds-bluegreen.json` in the run directory: the deployments this run created, oldest first. */
export const DEPLOYMENTS_FILE = 'rds-bluegreen.json';

async function readRecorded(runDir: string): Promise<RecordedDeployment[]> {
  try {
    const parsed = JSON.parse(await readFile(join(runDir, DEPLOYMENTS_FILE), 'utf8')) as { deployments?: RecordedDeployment[] };
    return parsed.deployments ?? [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Adds a deployment created by this run to the run directory's record. */
export async function recordDeployment(runDir: string, deployment: RecordedDeployment): Promise<void> {
  const deployments = [...(await readRecorded(runDir)), deployment];
  await writeFile(join(runDir, DEPLOYMENTS_FILE), `${JSON.stringify({ deployments }, null, 2)}\n`);
}

/**
 * The identifier a step works on: `bgd-…` as given, a name looked up with
 * DescribeBlueGreenDeployments, or (none given) the last deployment this run created.
 */
export async function resolveDeployment(client: RDSClient, runDir: string, ref: string | undefined): Promise<string> {
  if (ref?.startsWith('bgd-')) return ref;
  if (ref === undefined) {
    const last = (await readRecorded(runDir)).at(-1);
    if (!last) {
      throw new CutoverError('config', 'no blue/green deployment to work on: name one with "deployment" (its bgd- identifier or name), or run rds-bluegreen-create earlier in the scenario');
    }
    return last.identifier;
  }
  const { DescribeBlueGreenDeploymentsCommand } = await import('@aws-sdk/client-rds');
  try {
    const out = await client.send(new DescribeBlueGreenDeploymentsCommand({ Filters: [{ Name: 'blue-green-deployment-name', Values: [ref] }] }));
    const found = out.BlueGreenDeployments?.find((d) => d.BlueGreenDeploymentName === ref);
    if (!found?.BlueGreenDeploymentIdentifier) throw new CutoverError('query', `no blue/green deployment is named ${ref}`);
    return found.BlueGreenDeploymentIdentifier;
  } catch (error) {
    if (error instanceof CutoverError) throw error;
    throw rdsError(error, { operation: 'DescribeBlueGreenDeployments', deployment: ref });
  }
}
