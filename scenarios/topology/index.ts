export type { Cluster, ProviderKind, Topology } from './cluster.js';
export { localCluster } from './local-cluster.js';
export { RunTopology } from './topology.js';
