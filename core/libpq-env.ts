import { type Endpoint, endpointHosts } from './endpoint.js';

/**
 * The environment a PostgreSQL client tool (pg_dump, vacuumdb, psql) needs to reach an endpoint:
 * the password travels in PGPASSWORD, never on a command line where `ps` would show it. Several
 * hosts travel as libpq's own lists (PGHOST=a,b PGPORT=1,2) with PGTARGETSESSIONATTRS and
 * PGLOADBALANCEHOSTS, which the tools understand natively (see libpqCaveat for older ones).
 */
export function libpqEnv(endpoint: Endpoint, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const hosts = endpointHosts(endpoint);
  const env: NodeJS.ProcessEnv = {
    ...base,
    LC_ALL: 'C',
    PGHOST: hosts.map((h) => h.host).join(','),
    PGPORT: hosts.map((h) => String(h.port)).join(','),
    PGUSER: endpoint.user,
    PGDATABASE: endpoint.database,
    PGSSLMODE: endpoint.sslmode,
  };
  delete env.PGTARGETSESSIONATTRS;
  delete env.PGLOADBALANCEHOSTS;
  if (endpoint.targetSessionAttrs) env.PGTARGETSESSIONATTRS = endpoint.targetSessionAttrs;
  if (endpoint.loadBalanceHosts) env.PGLOADBALANCEHOSTS = endpoint.loadBalanceHosts;
  // Passwords the password file gave per host differ from host to host: the tool then reads that
  // file itself (PGPASSFILE stays as given), as it would for the user.
  const perHost = new Set(hosts.filter((h) => h.password !== undefined).map((h) => h.password));
  if (perHost.size > 1) delete env.PGPASSWORD;
  else if (endpoint.password !== undefined) env.PGPASSWORD = endpoint.password;
  else delete env.PGPASSWORD;
  if (endpoint.sslrootcert) env.PGSSLROOTCERT = endpoint.sslrootcert;
  if (endpoint.sslcert) env.PGSSLCERT = endpoint.sslcert;
  if (endpoint.sslkey) env.PGSSLKEY = endpoint.sslkey;
  return env;
}

/**
 * What a client tool of libpq major `toolMajor` would do differently from cutover with this
 * endpoint, or undefined: load_balance_hosts needs libpq 16 (older ones ignore PGLOADBALANCEHOSTS
 * and try the hosts in order); read-only, primary, standby and prefer-standby need libpq 14
 * (older ones refuse the value).
 */
export function libpqCaveat(endpoint: Endpoint, tool: string, toolMajor: number): string | undefined {
  const target = endpoint.targetSessionAttrs;
  if (target && target !== 'any' && target !== 'read-write' && toolMajor < 14) {
    return `${tool} ${toolMajor} does not know target_session_attrs=${target} (libpq 14 or later does); use a ${tool} of PostgreSQL 14 or later`;
  }
  if (endpoint.loadBalanceHosts === 'random' && toolMajor < 16) {
    return `${tool} ${toolMajor} ignores load_balance_hosts=random (libpq 16 or later honours it): it tries the hosts in order`;
  }
  return undefined;
}
