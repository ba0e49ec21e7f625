import { existsSync, readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { CutoverError } from './errors.js';
import type { Endpoint } from './endpoint.js';

/** TLS options for one connection attempt, or `false` for a plain one. */
export type TlsChoice = false | ConnectionOptions;

/**
 * The connection attempts libpq makes for an endpoint's sslmode, in order: `disable` plain;
 * `allow` plain, then TLS if the server refuses; `prefer` TLS, then plain if TLS fails;
 * `require`, `verify-ca` and `verify-full` TLS only. libpq never uses TLS over a Unix socket.
 */
export function tlsAttempts(e: Endpoint): TlsChoice[] {
  if (e.host.startsWith('/')) return [false];
  switch (e.sslmode) {
    case 'disable':
      return [false];
    case 'allow':
      return [false, tlsOptions(e)];
    case 'prefer':
      return [tlsOptions(e), false];
    default:
      return [tlsOptions(e)];
  }
}

/**
 * TLS verification as libpq does it: with a root certificate file the chain is verified in every
 * mode (so `require` behaves like verify-ca, libpq's compatibility rule), the host name only in
 * verify-full; without one, verify-ca and verify-full refuse to connect and the other modes
 * encrypt without verifying. `sslrootcert=system` uses Node's bundled CA store.
 */
export function tlsOptions(e: Endpoint): ConnectionOptions {
  const options: ConnectionOptions = {};
  const verifying = e.sslmode === 'verify-ca' || e.sslmode === 'verify-full';
  if (e.sslrootcert === 'system') {
    options.rejectUnauthorized = true;
  } else if (e.sslrootcert && existsSync(e.sslrootcert)) {
    options.rejectUnauthorized = true;
    options.ca = readPem(e.sslrootcert, 'sslrootcert');
  } else if (verifying) {
    throw new CutoverError(
      'usage',
      `sslrootcert: sslmode=${e.sslmode} verifies the server against a root certificate; expected a CA certificate file, got ${
        e.sslrootcert ? `"${e.sslrootcert}", which does not exist` : 'none'
      }`,
    );
  } else {
    options.rejectUnauthorized = false;
  }
  if (options.rejectUnauthorized && e.sslmode !== 'verify-full') {
    // The chain is verified; the name in the certificate is not (verify-ca).
    options.checkServerIdentity = () => undefined;
  }
  if (e.sslcert) {
    options.cert = readPem(e.sslcert, 'sslcert');
    if (e.sslkey) options.key = readPem(e.sslkey, 'sslkey');
  }
  return options;
}

/**
 * The node-postgres configuration for ONE of the attempts `tlsAttempts` lists. Only
 * `connectClient` (core/connect-client.ts) makes the attempts in libpq's order; a client built
 * from one attempt's configuration alone is the defect of issue 13 (`prefer` never falling back).
 */
export function toClientConfig(e: Endpoint, ssl: TlsChoice): pg.ClientConfig {
  return {
    host: e.host,
    port: e.port,
    database: e.database,
    user: e.user,
    // A function, so node-postgres never falls back to PGPASSWORD or its own pgpass reader:
    // resolveEndpoint has already applied libpq's rules, and asking for a missing password is an error.
    password: () => {
      if (e.password) return e.password;
      throw new CutoverError('auth', 'the server asked for a password and none was given (no password in the URL, PGPASSWORD or the password file)');
    },
    ssl,
    connectionTimeoutMillis: e.connectTimeoutMs ?? 10_000,
  };
}

function readPem(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CutoverError('usage', `${option}: expected a readable PEM file, got "${path}" (${(error as Error).message})`, { cause: error });
  }
}
