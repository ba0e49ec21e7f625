import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsConfig } from './aws-config.js';

/**
 * A CloudWatch client for the scenario's `aws` block: region and credentials from the SDK's
 * default chain (environment, profile, instance role) unless the block names a region, and the
 * block's `endpoint` for an emulator. The SDK's own retries are off (one attempt per call):
 * throttling is retried, counted and recorded by the caller (cloudwatch-retry.ts).
 */
export function cloudWatchClient(aws: Pick<AwsConfig, 'region' | 'endpoint'>): CloudWatchClient {
  return new CloudWatchClient({
    ...(aws.region ? { region: aws.region } : {}),
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    maxAttempts: 1,
  });
}
