export { PatroniCluster, leaderName, type PatroniClusterOptions } from './patroni-cluster.js';
export { PatroniNode } from './patroni-node.js';
export { PatroniRest, runningLeader, streamingReplicas, describeMembers, type PatroniClusterState, type PatroniMember } from './patroni-rest.js';
export { findPatroni, patroniDirectory } from './patroni-executable.js';
