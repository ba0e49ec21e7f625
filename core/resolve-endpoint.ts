import { existsSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CutoverError } from './errors.js';
import type { Endpoint, EndpointOptions, HostAddress, LoadBalanceHosts, SslMode, TargetSessionAttrs } from './endpoint.js';
import { HostListError, hostList } from './host-list.js';
import { parseConnectionString } from './conninfo-parse.js';
import { type UsedKeyword, isUsedKeyword, otherKeywordTreatment } from './libpq-keywords.js';
import { passwordFromFile } from './pgpass.js';
import { redactUrl } from './redact-url.js';

export { redactUrl } from './redact-url.js';

export const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A value and where it came from, so an error can name the option the user has to fix. */
interface Setting {
  value: string;
  /** e.g. `port`, `PGPORT`, `port in url "postgresql://…"`. */
  source: string;
}

type Layer = Partial<Record<UsedKeyword, Setting>>;

const ENV_VARS: Record<UsedKeyword, string> = {
  host: 'PGHOST',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  passfile: 'PGPASSFILE',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
  load_balance_hosts: 'PGLOADBALANCEHOSTS',
};

/** Variables libpq reads that would send it elsewhere; cutover does not follow them. */
const UNFOLLOWED_ENV = ['PGHOSTADDR', 'PGSERVICE', 'PGSERVICEFILE'];

/**
 * Resolves an endpoint the way libpq does: explicit options override the URI (or keyword/value
 * string) in `options.url`, which overrides `PG*` variables, which override the defaults (host
 * localhost, port 5432, the OS user, a database named after the user, sslmode prefer). Without
 * a password, the password file (`passfile`, `PGPASSFILE` or `~/.pgpass`) is read. Bad input
 * throws a `usage` error naming the option, what was expected and what was given; the password
 * never appears in it. `warn` receives libpq's warnings (an unsafe password file, an ignored option).
 */
export function resolveEndpoint(
  options: EndpointOptions,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  warn: (message: string) => void = warnOnStderr,
): Endpoint {
  const layers = [explicitLayer(options), urlLayer(options.url, warn, options.urlLabel), envLayer(env, warn)];
  const get = (keyword: UsedKeyword): Setting | undefined => {
    for (const layer of layers) {
      const setting = layer[keyword];
      // An empty value means "not set", for libpq as for a shell's `PGHOST=`.
      if (setting && setting.value !== '') return setting;
    }
    return undefined;
  };

  const hostSetting = get('host');
  const portSetting = get('port');
  const hosts = resolveHosts(hostSetting, portSetting);
  const first = hosts[0] as (typeof hosts)[number];
  const { host, port } = first;
  const user = get('user')?.value ?? osUserName();
  const database = get('dbname')?.value ?? user;
  const targetSetting = get('target_session_attrs');
  const targetSessionAttrs = targetSetting ? parseChoice(targetSetting, TARGET_SESSION_ATTRS) : undefined;
  const balanceSetting = get('load_balance_hosts');
  const loadBalanceHosts = balanceSetting ? parseChoice(balanceSetting, LOAD_BALANCE_HOSTS) : undefined;

  const sslmodeSetting = get('sslmode');
  let sslmode = sslmodeSetting ? parseSslmode(sslmodeSetting) : 'prefer';
  const rootcertSetting = get('sslrootcert');
  if (rootcertSetting?.value === 'system') {
    // libpq 16+: the system's roots imply verify-full, and refuse anything weaker.
    if (!sslmodeSetting) sslmode = 'verify-full';
    else if (sslmode !== 'verify-full') invalid(sslmodeSetting, 'verify-full with sslrootcert=system (as libpq requires)');
  }
  const usesTls = sslmode !== 'disable' && hosts.some((h) => !h.host.startsWith('/'));
  const certificates = usesTls ? resolveCertificates(sslmode, home, get) : {};

  const endpoint: Endpoint = { host, port, database, user, sslmode, ...certificates };
  const password = get('password')?.value;
  if (password) {
    endpoint.password = password;
  } else {
    // libpq looks each host up in the password file on its own (its name, its port as given).
    const passfile = get('passfile')?.value ?? join(home, '.pgpass');
    const warnOnce = onceEach(warn);
    for (const h of hosts) {
      const found = passwordFromFile({ host: h.host, port: h.portText, database, user }, passfile, warnOnce);
      if (found) h.password = found;
    }
    if (first.password) endpoint.password = first.password;
  }
  if (hosts.length > 1) endpoint.hosts = hosts.map(({ host: h, port: p, password: pw }) => (pw ? { host: h, port: p, password: pw } : { host: h, port: p }));
  if (targetSessionAttrs) endpoint.targetSessionAttrs = targetSessionAttrs;
  if (loadBalanceHosts) endpoint.loadBalanceHosts = loadBalanceHosts;
  const connectTimeoutMs = resolveConnectTimeout(options.connectTimeoutMs, get('connect_timeout'));
  if (connectTimeoutMs !== undefined) endpoint.connectTimeoutMs = connectTimeoutMs;
  return endpoint;
}

const TARGET_SESSION_ATTRS: readonly TargetSessionAttrs[] = ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'];
const LOAD_BALANCE_HOSTS: readonly LoadBalanceHosts[] = ['disable', 'random'];

/** The hosts libpq would try, in order, each with its port (see hostList). */
function resolveHosts(hostSetting: Setting | undefined, portSetting: Setting | undefined): (HostAddress & { portText: string })[] {
  try {
    return hostList(hostSetting, portSetting);
  } catch (error) {
    if (error instanceof HostListError) invalid(error.setting, error.expected);
    throw error;
  }
}

function parseChoice<T extends string>(setting: Setting, choices: readonly T[]): T {
  return choices.find((c) => c === setting.value) ?? invalid(setting, `one of ${choices.join(', ')}`);
}

/** The password file's warnings are the same for every host: say them once. */
function onceEach(warn: (message: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    warn(message);
  };
}

function explicitLayer(options: EndpointOptions): Layer {
  const layer: Layer = {};
  const names: [UsedKeyword, keyof EndpointOptions][] = [
    ['host', 'host'],
    ['port', 'port'],
    ['dbname', 'database'],
    ['user', 'user'],
    ['password', 'password'],
    ['passfile', 'passfile'],
    ['sslmode', 'sslmode'],
    ['sslrootcert', 'sslrootcert'],
    ['sslcert', 'sslcert'],
    ['sslkey', 'sslkey'],
    ['target_session_attrs', 'targetSessionAttrs'],
    ['load_balance_hosts', 'loadBalanceHosts'],
  ];
  for (const [keyword, name] of names) {
    const value = options[name];
    if (value !== undefined && value !== null) layer[keyword] = { value: String(value), source: name };
  }
  return layer;
}

function urlLayer(url: string | undefined, warn: (message: string) => void, label = 'url'): Layer {
  const layer: Layer = {};
  if (url === undefined) return layer;
  const source = (keyword: string): string => `${keyword} in ${label} "${redactUrl(url)}"`;
  for (const [keyword, value] of parseConnectionString(url, label)) {
    if (isUsedKeyword(keyword)) {
      layer[keyword] = { value, source: source(keyword) };
      continue;
    }
    const treatment = otherKeywordTreatment(keyword, value);
    if (treatment === 'warn') warn(`${source(keyword)}: cutover does not support "${keyword}"; ignored`);
    if (treatment === 'reject') {
      // sslpassword's value is a secret; the others' values say what was asked for.
      const given = keyword === 'sslpassword' ? keyword : `${keyword}=${value}`;
      throw new CutoverError('usage', `${source(keyword)}: cutover does not support ${given}; expected the URL without it`);
    }
  }
  return layer;
}

function envLayer(env: NodeJS.ProcessEnv, warn: (message: string) => void): Layer {
  const layer: Layer = {};
  for (const [keyword, name] of Object.entries(ENV_VARS) as [UsedKeyword, string][]) {
    const value = env[name];
    if (value !== undefined) layer[keyword] = { value, source: name };
  }
  for (const name of UNFOLLOWED_ENV) {
    if (env[name]) warn(`${name} is set, but cutover does not use it; connecting by host name`);
  }
  return layer;
}

/**
 * The server's CA and the client's certificate, as libpq finds them: `~/.postgresql/root.crt`
 * when no sslrootcert is given (and, when it exists, even `require` and `prefer` verify the
 * chain, as in libpq); verify-ca and verify-full refuse to go on without one. A client
 * certificate (`~/.postgresql/postgresql.crt` by default) is sent when its file exists, and then
 * its key must exist and be private.
 */
function resolveCertificates(
  sslmode: SslMode,
  home: string,
  get: (keyword: UsedKeyword) => Setting | undefined,
): Pick<Endpoint, 'sslrootcert' | 'sslcert' | 'sslkey'> {
  const out: Pick<Endpoint, 'sslrootcert' | 'sslcert' | 'sslkey'> = {};
  const rootcert = get('sslrootcert');
  const rootPath = rootcert?.value ?? join(home, '.postgresql', 'root.crt');
  if (rootPath === 'system' || existsSync(rootPath)) {
    out.sslrootcert = rootPath;
  } else if (sslmode === 'verify-ca' || sslmode === 'verify-full') {
    throw new CutoverError(
      'usage',
      `${rootcert?.source ?? 'sslrootcert'}: sslmode=${sslmode} verifies the server against a root certificate; ` +
        `expected a CA certificate file, but "${rootPath}" does not exist ` +
        '(give sslrootcert, use sslrootcert=system for the system roots, or sslmode=require not to verify)',
    );
  }
  const certPath = get('sslcert')?.value ?? join(home, '.postgresql', 'postgresql.crt');
  if (existsSync(certPath)) {
    const key = get('sslkey');
    const keyPath = key?.value ?? join(home, '.postgresql', 'postgresql.key');
    checkPrivateKey(keyPath, key?.source ?? 'sslkey', certPath);
    out.sslcert = certPath;
    out.sslkey = keyPath;
  }
  return out;
}

/** libpq refuses a client key others can read (0600, or 0640 when owned by root). */
function checkPrivateKey(path: string, source: string, certPath: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new CutoverError('usage', `${source}: the client certificate "${certPath}" is present, so its private key is needed; expected a key file, but "${path}" does not exist`);
  }
  if (!stats.isFile()) throw new CutoverError('usage', `${source}: expected the client's private key file, but "${path}" is not a regular file`);
  if (process.platform === 'win32') return;
  const tooOpen = stats.uid === 0 ? stats.mode & 0o037 : stats.mode & 0o077;
  if (tooOpen) {
    throw new CutoverError(
      'usage',
      `${source}: private key file "${path}" has group or world access; expected permissions u=rw (0600) or less ` +
        `(u=rw,g=r (0640) if owned by root), got ${(stats.mode & 0o777).toString(8).padStart(4, '0')}`,
    );
  }
}

function parseSslmode(setting: Setting): SslMode {
  const mode = SSL_MODES.find((m) => m === setting.value);
  return mode ?? invalid(setting, `one of ${SSL_MODES.join(', ')}`);
}

/** libpq's connect_timeout: whole seconds, at least 2 when positive, 0 or less waits forever. */
function resolveConnectTimeout(explicitMs: number | undefined, setting: Setting | undefined): number | undefined {
  if (explicitMs !== undefined) {
    if (!Number.isInteger(explicitMs) || explicitMs < 0) {
      throw new CutoverError('usage', `connectTimeoutMs: expected a whole number of milliseconds (0: no limit), got ${String(explicitMs)}`);
    }
    return explicitMs;
  }
  if (!setting) return undefined;
  const text = setting.value.trim();
  if (!/^[+-]?\d+$/.test(text)) invalid(setting, 'a whole number of seconds (0: no limit)');
  const seconds = Number(text);
  if (seconds <= 0) return 0;
  return Math.max(seconds, 2) * 1000;
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    throw new CutoverError('usage', 'user: expected a user name (the OS user could not be looked up), got none; give user or PGUSER');
  }
}

function invalid(setting: Setting, expected: string): never {
  throw new CutoverError('usage', `${setting.source}: expected ${expected}, got "${setting.value}"`);
}

function warnOnStderr(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
