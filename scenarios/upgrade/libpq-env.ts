// Moved to core/ so that the load layer (pgbench) can reach servers the same way; kept here for its importers.
export { libpqEnv, libpqCaveat } from '../../core/libpq-env.js';
