import { CutoverError } from '../../core/errors.js';
import type { OperationDefinition, WorkloadDefinition } from '../workload-types.js';
import { operationSql } from '../workloads/prepare.js';

/** An operation ready to send: its prepared statement and its share of the mix. */
export interface MixOperation {
  definition: OperationDefinition;
  statement: { name: string; text: string };
  /** Upper end of its slice of [0, 1). */
  until: number;
}

/** The workload's operations with their statements, validated before any connection opens. */
export function operationMix(workload: WorkloadDefinition, schema: string): MixOperation[] {
  const total = workload.operations.reduce((sum, op) => sum + (op.weight > 0 ? op.weight : 0), 0);
  if (!(total > 0)) throw new CutoverError('usage', `workload ${workload.name}: expected at least one operation with a positive weight`);
  const mix: MixOperation[] = [];
  let cumulative = 0;
  workload.operations.forEach((definition, i) => {
    if (!(definition.weight > 0)) return;
    cumulative += definition.weight;
    mix.push({
      definition,
      // Named statements are parsed once per connection, as pgbench -M prepared does.
      statement: { name: `cutover_${workload.name}_${i}`, text: operationSql(definition.sql, schema) },
      until: cumulative / total,
    });
  });
  return mix;
}

/** The operation whose slice holds `r` (in [0, 1)). */
export function pickOperation(mix: readonly MixOperation[], r: number): MixOperation {
  for (const op of mix) if (r < op.until) return op;
  return mix[mix.length - 1] as MixOperation;
}
