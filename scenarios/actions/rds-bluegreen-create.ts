import { z } from 'zod';
import { defineAction } from './action-types.js';
import { rdsClientParams } from '../aws/rds-client.js';
import { rdsError } from '../aws/rds-errors.js';
import { withRdsStep } from '../aws/rds-bluegreen-step.js';
import { recordDeployment } from '../aws/rds-bluegreen-store.js';
import { resolveSourceArn } from '../aws/rds-source.js';
import { viewOf } from '../aws/rds-bluegreen-view.js';

/** AWS's rule for BlueGreenDeploymentName: a letter first, letters, digits and single hyphens, at most 60. */
const DEPLOYMENT_NAME = /^[A-Za-z](?:-?[A-Za-z0-9])*$/;

/**
 * `rds-bluegreen-create`: CreateBlueGreenDeployment from an RDS or Aurora PostgreSQL source. The
 * deployment's identifier goes into the step's details and the run directory, so the wait,
 * switchover and delete steps that follow find it.
 */
export const rdsBluegreenCreateAction = defineAction({
  name: 'rds-bluegreen-create',
  summary: 'create an RDS/Aurora Blue/Green deployment (the green copy of blue, e.g. on a new engine version)',
  params: z
    .object({
      source: z.string().min(1).describe('The blue database: its ARN, or a DB instance or DB cluster identifier.'),
      name: z.string().max(60).regex(DEPLOYMENT_NAME, 'a letter, then letters, digits and single hyphens (AWS naming)').optional().describe("The deployment's name; default `cutover-<time>`."),
      targetEngineVersion: z.string().min(1).optional().describe("Green's engine version, e.g. `17.4` (a major version upgrade uses logical replication)."),
      targetParameterGroup: z.string().min(1).optional().describe("Green's DB parameter group (instances), e.g. one for the new major."),
      targetClusterParameterGroup: z.string().min(1).optional().describe("Green's DB cluster parameter group (Aurora)."),
      targetInstanceClass: z.string().min(1).optional().describe("Green's instance class, e.g. `db.r6g.large`."),
      ...rdsClientParams,
    })
    .strict(),
  title: (p) => `create blue/green from ${shortSource(p.source)}${p.targetEngineVersion ? ` to ${p.targetEngineVersion}` : ''}`,
  async run(ctx, p) {
    await withRdsStep(ctx, p, async ({ client, transitions, onTransition }) => {
      const { CreateBlueGreenDeploymentCommand } = await import('@aws-sdk/client-rds');
      ctx.phase('resolve-source');
      const source = await resolveSourceArn(client, p.source);
      const name = p.name ?? `cutover-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
      ctx.detail('name', name);
      ctx.detail('source', source);
      if (p.targetEngineVersion) ctx.detail('targetEngineVersion', p.targetEngineVersion);
      ctx.phase('create');
      let created;
      try {
        const out = await client.send(
          new CreateBlueGreenDeploymentCommand({
            BlueGreenDeploymentName: name,
            Source: source,
            ...(p.targetEngineVersion ? { TargetEngineVersion: p.targetEngineVersion } : {}),
            ...(p.targetParameterGroup ? { TargetDBParameterGroupName: p.targetParameterGroup } : {}),
            ...(p.targetClusterParameterGroup ? { TargetDBClusterParameterGroupName: p.targetClusterParameterGroup } : {}),
            ...(p.targetInstanceClass ? { TargetDBInstanceClass: p.targetInstanceClass } : {}),
          }),
        );
        created = out.BlueGreenDeployment;
      } catch (error) {
        throw rdsError(error, { operation: 'CreateBlueGreenDeployment', deployment: `${name} (source ${source})` });
      }
      const view = viewOf(created ?? {});
      ctx.detail('deploymentIdentifier', view.identifier);
      if (view.target) ctx.detail('target', view.target);
      for (const t of transitions.observe(view)) onTransition(t);
      await recordDeployment(ctx.runDir, { identifier: view.identifier, name, source, createdAt: new Date().toISOString() });
      ctx.log(`blue/green deployment ${view.identifier} (${name}) created from ${source}: ${view.status}`);
    });
  },
});

/** `db-blue` from `arn:aws:rds:eu-west-1:123456789012:db:db-blue`. */
function shortSource(source: string): string {
  return source.startsWith('arn:') ? (source.split(':').at(-1) ?? source) : source;
}
