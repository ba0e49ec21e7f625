export { copySchema, SCHEMA_TOOLS, type SchemaCopy } from './schema-copy.js';
export { ensureReplicaIdentity } from './replica-identity.js';
export { conninfo, createPublication, createSubscription, dropReplication, slotLag, slotReached, subscribedTables, tablesNotReady, type Replication } from './replication.js';
export { advanceSequences, type SequenceAdvance } from './sequences.js';
export { fenceBlue } from './fence-blue.js';
export { pollUntil } from './poll.js';
export { analyzeGreen, refreshMaterializedViews } from './green-readiness.js';
