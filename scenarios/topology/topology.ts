import { CutoverError } from '../../core/errors.js';
import type { Cluster, Topology } from './cluster.js';
import type { Endpoint } from '../../core/endpoint.js';

/** The servers of one run by role. */
export class RunTopology implements Topology {
  private readonly byRole = new Map<string, Cluster>();
  writer: string;
  clientEndpoint?: (database?: string) => Endpoint;

  constructor(blue: Cluster) {
    this.byRole.set(blue.role, blue);
    this.writer = blue.role;
  }

  get clusters(): ReadonlyMap<string, Cluster> {
    return this.byRole;
  }

  get(role: string): Cluster {
    const cluster = this.byRole.get(role);
    if (!cluster) throw new CutoverError('usage', `no server in role "${role}"; the run has ${[...this.byRole.keys()].join(', ')}`);
    return cluster;
  }

  has(role: string): boolean {
    return this.byRole.has(role);
  }

  add(cluster: Cluster): void {
    if (this.byRole.has(cluster.role)) throw new CutoverError('internal', `a server in role "${cluster.role}" exists already`);
    this.byRole.set(cluster.role, cluster);
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.byRole.values()].reverse().map((c) => c.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
