import { CutoverError } from '../../core/errors.js';
import type { WorkloadDefinition } from '../workload-types.js';
import { notifications } from './notifications.js';
import { vector } from './vector.js';
import { writesOnly } from './writes-only.js';

export { insertEvent, INSERT_EVENT_SQL } from './insert-event.js';
export { prepareWorkload, operationSql } from './prepare.js';

/** The built-in workloads, the default first. */
export const WORKLOADS: readonly WorkloadDefinition[] = [notifications, writesOnly, vector];

export const DEFAULT_WORKLOAD = notifications.name;

/** The built-in workload of that name; a usage error naming the option and the choices otherwise. */
export function workloadByName(name: string, option = '--workload'): WorkloadDefinition {
  const found = WORKLOADS.find((w) => w.name === name);
  if (found) return found;
  const choices = WORKLOADS.map((w) => w.name).join(', ');
  throw new CutoverError('usage', `${option}: expected one of ${choices}; got "${name}"`);
}
