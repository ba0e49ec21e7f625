import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CutoverError } from '../../core/errors.js';
import { findLab } from '../providers/lab-installations.js';
import type { Cluster } from '../topology/cluster.js';

/** Whether a bindir holds every one of these programs. */
export function hasTools(bindir: string | undefined, tools: readonly string[]): bindir is string {
  return bindir !== undefined && tools.every((tool) => existsSync(join(bindir, tool)));
}

/**
 * A bindir with the client tools of a cluster's major (pg_dump, vacuumdb...): the server's own
 * when it has them, else the full installation the cluster knows of, else the lab's. `option`
 * names what the user would change, for the error.
 */
export function toolsBindirOf(cluster: Cluster, tools: readonly string[], option: string): string {
  const candidates = [cluster.local?.bindir, cluster.toolsBindir, cluster.major ? findLab()?.bindir(cluster.major) : undefined];
  const found = candidates.find((dir) => hasTools(dir, tools));
  if (found) return found;
  throw new CutoverError(
    'usage',
    `${option}: expected a PostgreSQL ${cluster.major || ''} installation with ${tools.join(', ')}; ` +
      `looked in ${candidates.filter(Boolean).join(', ') || 'no full installation'} (embedded binaries have none of them: use a bindir provider, or install the lab with scripts/lab.sh)`,
  );
}
