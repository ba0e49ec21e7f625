import type { RDSClient } from '@aws-sdk/client-rds';
import { z } from 'zod';

/** Where a step's RDS calls go. Credentials always come from the SDK's default chain, never from here. */
export interface RdsClientOptions {
  /** The AWS region; default the SDK's chain (AWS_REGION, the profile's region...). */
  region?: string;
  /** An emulator's or a VPC endpoint's URL (e.g. `http://127.0.0.1:5000`); default AWS's own. */
  endpoint?: string;
  /** Attempts per call, retries of throttling and transient errors included; default the SDK's (3, or AWS_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

/** The parameter naming the deployment, shared by the steps that act on an existing one. */
export const deploymentParam = {
  deployment: z.string().min(1).optional().describe('`bgd-…` identifier or name; default the deployment an earlier step of this run created.'),
};

/** The step parameters every `rds-bluegreen-*` action shares. */
export const rdsClientParams = {
  region: z.string().min(1).optional().describe("The AWS region; default the SDK's chain."),
  endpoint: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).optional().describe("The RDS API endpoint, for emulators; default AWS's own."),
  maxAttempts: z.number().int().min(1).max(20).optional().describe("Attempts per API call (the SDK retries throttling with backoff); default the SDK's."),
};

/**
 * The step's region and endpoint, else the scenario's `aws` block's (read defensively: the block
 * is optional and owned by the CloudWatch side), else the SDK's chain.
 */
export function clientOptionsFor(step: RdsClientOptions, scenario: object): RdsClientOptions {
  const aws = (scenario as { aws?: { region?: unknown; endpoint?: unknown } }).aws;
  const region = step.region ?? (typeof aws?.region === 'string' ? aws.region : undefined);
  const endpoint = step.endpoint ?? (typeof aws?.endpoint === 'string' ? aws.endpoint : undefined);
  return { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), ...(step.maxAttempts ? { maxAttempts: step.maxAttempts } : {}) };
}

/**
 * An RDS client. The SDK is loaded on first use, so commands that never touch AWS do not pay for
 * it; the caller destroys the client when the step ends.
 */
export async function rdsClient(options: RdsClientOptions): Promise<RDSClient> {
  const { RDSClient } = await import('@aws-sdk/client-rds');
  return new RDSClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
