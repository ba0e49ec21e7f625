import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { Endpoint } from './endpoint.js';

/** The node-postgres configuration for an endpoint, with libpq's sslmode semantics. */
export function toClientConfig(e: Endpoint): pg.ClientConfig {
  const config: pg.ClientConfig = {
    host: e.host,
    port: e.port,
    database: e.database,
    user: e.user,
    password: e.password,
    connectionTimeoutMillis: e.connectTimeoutMs ?? 10_000,
  };
  switch (e.sslmode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // TODO(connections): libpq's prefer tries TLS first and falls back; node-postgres cannot.
      config.ssl = false;
      break;
    case 'require':
      config.ssl = { rejectUnauthorized: false };
      break;
    case 'verify-ca':
    case 'verify-full':
      config.ssl = {
        rejectUnauthorized: true,
        ca: e.sslrootcert ? readFileSync(e.sslrootcert, 'utf8') : undefined,
        cert: e.sslcert ? readFileSync(e.sslcert, 'utf8') : undefined,
        key: e.sslkey ? readFileSync(e.sslkey, 'utf8') : undefined,
        // verify-ca checks the chain only; verify-full also checks the host name.
        checkServerIdentity: e.sslmode === 'verify-ca' ? () => undefined : undefined,
      };
      break;
  }
  return config;
}
