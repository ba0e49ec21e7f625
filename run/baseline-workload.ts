import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { CutoverError, errorLine } from '../core/errors.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import { workloadByName, WORKLOADS } from '../load/workloads/index.js';

/**
 * A workload by name (`notifications`, …) or from a module of the user's whose default export is
 * a `defineWorkload()` (`./orders.workload.ts`): the same definition runs under the Node driver
 * and, compiled, under pgbench.
 */
export async function loadWorkload(nameOrFile: string, option: string, cwd: string): Promise<{ workload: WorkloadDefinition; label: string }> {
  if (!/\.(ts|mts|js|mjs)$/.test(nameOrFile)) return { workload: workloadByName(nameOrFile, option), label: nameOrFile };
  const file = resolve(cwd, nameOrFile);
  if (!existsSync(file)) {
    throw new CutoverError('usage', `${option}: expected one of ${WORKLOADS.map((w) => w.name).join(', ')} or a workload module (.ts, .js), got "${nameOrFile}" (no such file)`);
  }
  let raw: unknown;
  try {
    const jiti = createJiti(pathToFileURL(file).href, { interopDefault: true, moduleCache: false });
    raw = await jiti.import(file, { default: true });
  } catch (error) {
    throw new CutoverError('usage', `${option} ${nameOrFile}: cannot load: ${errorLine(error)}`, { cause: error });
  }
  const w = raw as Partial<WorkloadDefinition> | null;
  const ok = typeof w === 'object' && w !== null && typeof w.name === 'string' && typeof w.ddl === 'function' && Array.isArray(w.operations) && w.operations.length > 0;
  if (!ok) throw new CutoverError('usage', `${option} ${nameOrFile}: expected a module whose default export is defineWorkload({ name, ddl, operations })`);
  return { workload: w as WorkloadDefinition, label: `${w.name} (${nameOrFile})` };
}
