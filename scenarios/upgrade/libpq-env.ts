import type { Endpoint } from '../../core/endpoint.js';

/**
 * The environment a PostgreSQL client tool (pg_dump, vacuumdb, psql) needs to reach an endpoint:
 * the password travels in PGPASSWORD, never on a command line where `ps` would show it.
 */
export function libpqEnv(endpoint: Endpoint, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    LC_ALL: 'C',
    PGHOST: endpoint.host,
    PGPORT: String(endpoint.port),
    PGUSER: endpoint.user,
    PGDATABASE: endpoint.database,
    PGSSLMODE: endpoint.sslmode,
  };
  if (endpoint.password !== undefined) env.PGPASSWORD = endpoint.password;
  else delete env.PGPASSWORD;
  if (endpoint.sslrootcert) env.PGSSLROOTCERT = endpoint.sslrootcert;
  if (endpoint.sslcert) env.PGSSLCERT = endpoint.sslcert;
  if (endpoint.sslkey) env.PGSSLKEY = endpoint.sslkey;
  return env;
}
