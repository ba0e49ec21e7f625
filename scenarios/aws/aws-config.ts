import { z } from 'zod';

/** One thing to watch in CloudWatch: a DB instance, or a DB cluster (Aurora, or an RDS Multi-AZ DB cluster). */
export const watchTargetSchema = z.union([
  /** `DBInstanceIdentifier`, e.g. `db-blue`. */
  z.object({ instance: z.string().min(1) }).strict(),
  /** `DBClusterIdentifier`, e.g. `orders-cluster`: the cluster-wide aggregates. */
  z.object({ cluster: z.string().min(1) }).strict(),
]);
export type WatchTarget = z.infer<typeof watchTargetSchema>;

/** The soak's own per-second figures put to CloudWatch live (high-resolution custom metrics). */
export const publishSchema = z
  .object({
    /** Default `Cutover/Soak`; names starting with `AWS/` are reserved by AWS. */
    namespace: z
      .string()
      .min(1)
      .max(255)
      .refine((s) => !s.startsWith('AWS/'), 'a namespace of your own (AWS/ is reserved for AWS services)')
      .default('Cutover/Soak'),
    /** Dimensions of every published metric; default `{ Scenario: <scenario name> }`. At most 30. */
    dimensions: z
      .record(z.string().min(1).max(255), z.string().min(1).max(1024))
      .refine((d) => Object.keys(d).length <= 30, 'at most 30 dimensions (a CloudWatch limit)')
      .optional(),
    /** Milliseconds between two PutMetricData requests; default 10 000. */
    intervalMs: z.number().int().min(1_000).max(60_000).default(10_000),
  })
  .strict();
export type PublishConfig = z.output<typeof publishSchema>;

const ROLE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * The `aws` block of a scenario: where CloudWatch is (region and credentials from the SDK's
 * default chain unless given; `endpoint` for an emulator), the RDS or Aurora PostgreSQL resources
 * to watch by role (`blue`, `green`, `writer`, `reader-1`...) and whether to publish the soak.
 */
export const awsSchema = z
  .object({
    /** Default from the SDK's chain (AWS_REGION, the profile's region). */
    region: z.string().min(1).optional(),
    /** An AWS API endpoint other than AWS's own, e.g. `http://127.0.0.1:5000` for an emulator. */
    endpoint: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).optional(),
    /** Which engine's metrics to fetch: they differ (Aurora has CommitLatency, Deadlocks, AuroraReplicaLag). */
    engine: z.enum(['rds-postgres', 'aurora-postgres']).optional(),
    /** Role -> instance or cluster, e.g. `{ blue: { instance: 'db-blue' }, green: { instance: 'db-green' } }`. */
    watch: z
      .record(z.string().regex(ROLE, 'a role name: a letter, then letters, digits, - or _'), watchTargetSchema)
      .default({}),
    publish: publishSchema.optional(),
  })
  .strict()
  .superRefine((aws, ctx) => {
    if (Object.keys(aws.watch).length && !aws.engine) {
      ctx.addIssue({ code: 'custom', path: ['engine'], message: 'expected "rds-postgres" or "aurora-postgres" when "watch" names resources (the metrics differ)' });
    }
  });

export type AwsConfigInput = z.input<typeof awsSchema>;
export type AwsConfig = z.output<typeof awsSchema>;
export type RdsEngine = NonNullable<AwsConfig['engine']>;
