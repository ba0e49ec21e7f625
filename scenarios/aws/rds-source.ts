import type { RDSClient } from '@aws-sdk/client-rds';
import { CutoverError } from '../../core/errors.js';
import { rdsError } from './rds-errors.js';

/**
 * The ARN CreateBlueGreenDeployment wants for `source`: an ARN as given, else the ARN of the DB
 * instance of that identifier, else of the DB cluster (Aurora, Multi-AZ DB cluster).
 */
export async function resolveSourceArn(client: RDSClient, source: string): Promise<string> {
  if (source.startsWith('arn:')) return source;
  const { DescribeDBInstancesCommand, DescribeDBClustersCommand } = await import('@aws-sdk/client-rds');
  try {
    const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: source }));
    const arn = out.DBInstances?.[0]?.DBInstanceArn;
    if (arn) return arn;
  } catch (error) {
    if ((error as { name?: string }).name !== 'DBInstanceNotFoundFault') throw rdsError(error, { operation: 'DescribeDBInstances', deployment: `source ${source}` });
  }
  try {
    const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: source }));
    const arn = out.DBClusters?.[0]?.DBClusterArn;
    if (arn) return arn;
  } catch (error) {
    if ((error as { name?: string }).name !== 'DBClusterNotFoundFault') throw rdsError(error, { operation: 'DescribeDBClusters', deployment: `source ${source}` });
  }
  throw new CutoverError('query', `source ${source}: no DB instance or DB cluster has that identifier (give its ARN, or check the region)`);
}
