import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { describeEndpoint, publicEndpoint, type EndpointOptions } from '../../core/endpoint.js';
import { redactUrl, resolveEndpoint } from '../../core/resolve-endpoint.js';
import { findPassword } from '../../core/pgpass.js';

let home: string;
let warnings: string[];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cutover-resolve-'));
  warnings = [];
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Resolves with a controlled environment and home, collecting warnings. */
function resolve(options: EndpointOptions, env: NodeJS.ProcessEnv = {}) {
  return resolveEndpoint(options, env, home, (m) => warnings.push(m));
}

/** The CutoverError a resolution throws (fails the test if it does not throw one). */
function usageError(options: EndpointOptions, env: NodeJS.ProcessEnv = {}): CutoverError {
  try {
    resolve(options, env);
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    const e = error as CutoverError;
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    return e;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

function writePgpass(lines: string[], mode = 0o600, file = join(home, '.pgpass')): string {
  writeFileSync(file, lines.join('\n') + '\n');
  chmodSync(file, mode);
  return file;
}

describe('precedence: explicit option > URL > PG* variables > defaults', () => {
  it('falls back to libpq defaults: localhost:5432, the OS user, a database named after the user, sslmode prefer', () => {
    const me = userInfo().username;
    expect(resolve({})).toEqual({ host: 'localhost', port: 5432, user: me, database: me, sslmode: 'prefer' });
  });

  it('reads the PG* variables', () => {
    const e = resolve(
      {},
      { PGHOST: 'db.env', PGPORT: '6001', PGUSER: 'envuser', PGPASSWORD: 'envpw', PGDATABASE: 'envdb', PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '7' },
    );
    expect(e).toEqual({ host: 'db.env', port: 6001, user: 'envuser', password: 'envpw', database: 'envdb', sslmode: 'require', connectTimeoutMs: 7000 });
  });

  it('lets the URL override the variables, field by field', () => {
    const e = resolve({ url: 'postgresql://urluser@db.url/urldb' }, { PGHOST: 'db.env', PGPORT: '6001', PGUSER: 'envuser', PGDATABASE: 'envdb' });
    expect(e).toMatchObject({ host: 'db.url', port: 6001, user: 'urluser', database: 'urldb' });
  });

  it('lets explicit options override the URL', () => {
    const e = resolve(
      { url: 'postgresql://urluser:urlpw@db.url:7000/urldb?sslmode=require', host: 'db.flag', port: 7001, user: 'flaguser', password: 'flagpw', database: 'flagdb', sslmode: 'disable' },
      { PGHOST: 'db.env' },
    );
    expect(e).toEqual({ host: 'db.flag', port: 7001, user: 'flaguser', password: 'flagpw', database: 'flagdb', sslmode: 'disable' });
  });

  it('treats an empty variable as unset, as a shell`s PGHOST= does', () => {
    expect(resolve({}, { PGHOST: '', PGPORT: '' })).toMatchObject({ host: 'localhost', port: 5432 });
  });

  it('names the database after the resolved user, wherever the user came from', () => {
    expect(resolve({ url: 'postgres://alice@h' })).toMatchObject({ user: 'alice', database: 'alice' });
    expect(resolve({}, { PGUSER: 'bob' })).toMatchObject({ user: 'bob', database: 'bob' });
  });

  it('keeps an explicit connect timeout in milliseconds over connect_timeout', () => {
    expect(resolve({ url: 'postgresql://h/d?connect_timeout=9', connectTimeoutMs: 1500 }).connectTimeoutMs).toBe(1500);
  });
});

describe('URIs', () => {
  it('accepts both postgresql:// and postgres://', () => {
    expect(resolve({ url: 'postgresql://u@h:1/d' })).toMatchObject({ host: 'h', port: 1, user: 'u', database: 'd' });
    expect(resolve({ url: 'postgres://u@h:2/d' })).toMatchObject({ host: 'h', port: 2, user: 'u', database: 'd' });
  });

  it('percent-decodes the user, password, host and database (UTF-8 bytes included)', () => {
    const e = resolve({ url: 'postgresql://us%40er:p%3Aw%2Fd%40%25@db.example/caf%C3%A9%20db' });
    expect(e).toMatchObject({ user: 'us@er', password: 'p:w/d@%', host: 'db.example', database: 'café db' });
  });

  it('takes a Unix socket directory from a percent-encoded host', () => {
    expect(resolve({ url: 'postgresql://%2Fvar%2Frun%2Fpostgresql/app' })).toMatchObject({ host: '/var/run/postgresql', database: 'app' });
  });

  it('reads IPv6 hosts in brackets, with or without a port', () => {
    const e = resolve({ url: 'postgresql://u@[::1]:5433/d' });
    expect(e).toMatchObject({ host: '::1', port: 5433 });
    expect(describeEndpoint(e)).toBe('u@[::1]:5433/d');
    expect(resolve({ url: 'postgresql://[2001:db8::7]/d' })).toMatchObject({ host: '2001:db8::7', port: 5432 });
  });

  it('reads the query parameters, letting host= and port= override the authority', () => {
    writeFileSync(join(home, 'ca.pem'), 'ca');
    const e = resolve({
      url: `postgresql://u@ignored:1/d?host=real.example&port=6543&sslmode=verify-ca&sslrootcert=${encodeURIComponent(join(home, 'ca.pem'))}&connect_timeout=5&application_name=theirs`,
    });
    expect(e).toMatchObject({ host: 'real.example', port: 6543, sslmode: 'verify-ca', sslrootcert: join(home, 'ca.pem'), connectTimeoutMs: 5000 });
    expect(warnings).toEqual([]); // application_name is silently cutover's own
  });

  it('takes JDBC`s ssl=true as sslmode=require, as libpq does', () => {
    expect(resolve({ url: 'postgresql://h/d?ssl=true' }).sslmode).toBe('require');
  });

  it('leaves PGDATABASE in force when the URL has no database', () => {
    expect(resolve({ url: 'postgresql://h/' }, { PGDATABASE: 'envdb' }).database).toBe('envdb');
  });

  it('applies libpq`s connect_timeout rules: seconds, at least 2, 0 waits forever', () => {
    expect(resolve({ url: 'postgresql://h/d?connect_timeout=1' }).connectTimeoutMs).toBe(2000);
    expect(resolve({ url: 'postgresql://h/d?connect_timeout=0' }).connectTimeoutMs).toBe(0);
    expect(resolve({}, { PGCONNECT_TIMEOUT: ' 12 ' }).connectTimeoutMs).toBe(12_000);
  });

  it('warns about a libpq option it ignores, and refuses one that would change where it connects', () => {
    resolve({ url: 'postgresql://h/d?options=-c%20search_path%3Dx&keepalives=1' });
    expect(warnings).toEqual([expect.stringContaining('does not support "options"')]);
    const e = usageError({ url: 'postgresql://h/d?hostaddr=10.0.0.1' });
    expect(e.message).toContain('hostaddr');
  });
});

describe('keyword/value connection strings', () => {
  it('reads "host=x port=5432 dbname=y"', () => {
    expect(resolve({ url: 'host=x port=5432 dbname=y user=z' })).toMatchObject({ host: 'x', port: 5432, database: 'y', user: 'z' });
  });

  it('reads quoted values with spaces and escapes, and spaces around "="', () => {
    const e = resolve({ url: "host = 'my host' password='it\\'s a \\\\ secret' dbname=a\\ b" });
    expect(e).toMatchObject({ host: 'my host', password: "it's a \\ secret", database: 'a b' });
  });

  it('translates the old requiressl keyword', () => {
    expect(resolve({ url: 'host=h requiressl=1' }).sslmode).toBe('require');
  });
});

describe('the password file', () => {
  const target = { host: 'db.example', port: '5432', database: 'app', user: 'alice' };

  it('matches hostname:port:database:username, with * wildcards, first match wins', () => {
    const text = ['other:5432:app:alice:nope', '*:5432:app:alice:first', 'db.example:*:*:*:second'].join('\n');
    expect(findPassword(text, target)).toBe('first');
    expect(findPassword(text, { ...target, port: '6000' })).toBe('second');
    expect(findPassword('db.example:5432:app:bob:x', target)).toBeUndefined();
  });

  it('treats * as a wildcard only as a whole field', () => {
    expect(findPassword('db.*:5432:app:alice:x', target)).toBeUndefined();
    expect(findPassword('\\*:5432:app:alice:literal', { ...target, host: '*' })).toBe('literal');
  });

  it('unescapes \\: and \\\\ in fields and in the password, which ends at the first unescaped ":"', () => {
    expect(findPassword('db.example:5432:a\\:p\\\\p:alice:pa\\:ss\\\\word:trailing', { ...target, database: 'a:p\\p' })).toBe('pa:ss\\word');
  });

  it('skips comment lines and blank lines, and strips CRLF', () => {
    expect(findPassword('# db.example:5432:app:alice:commented\r\n\r\ndb.example:5432:app:alice:real\r\n', target)).toBe('real');
  });

  it('names a Unix socket default directory "localhost", and compares the port as text', () => {
    const text = 'localhost:5432:app:alice:socket';
    expect(findPassword(text, { ...target, host: '/var/run/postgresql' })).toBe('socket');
    expect(findPassword(text, { ...target, host: '/tmp' })).toBe('socket');
    expect(findPassword(text, { ...target, host: '/somewhere/else' })).toBeUndefined();
    expect(findPassword(text, { ...target, host: 'localhost', port: '' })).toBe('socket');
  });

  it('is read from ~/.pgpass when no password is given, with the resolved host, port, database and user', () => {
    writePgpass(['db.example:5433:app:alice:from-pgpass']);
    expect(resolve({ url: 'postgresql://alice@db.example:5433/app' }).password).toBe('from-pgpass');
    expect(resolve({ url: 'postgresql://alice:given@db.example:5433/app' }).password).toBe('given');
    expect(resolve({ url: 'postgresql://alice@db.example:5433/app' }, { PGPASSWORD: 'env' }).password).toBe('env');
  });

  it('is read from PGPASSFILE, or from passfile in the URL', () => {
    const file = writePgpass(['*:*:*:*:elsewhere'], 0o600, join(home, 'custom.pgpass'));
    expect(resolve({ url: 'postgresql://u@h/d' }, { PGPASSFILE: file }).password).toBe('elsewhere');
    expect(resolve({ url: `postgresql://u@h/d?passfile=${encodeURIComponent(file)}` }).password).toBe('elsewhere');
  });

  it('is ignored with a warning when the group or others can read it', () => {
    const file = writePgpass(['*:*:*:*:exposed'], 0o644);
    expect(resolve({ url: 'postgresql://u@h/d' }).password).toBeUndefined();
    expect(warnings).toEqual([`password file "${file}" has group or world access; permissions should be u=rw (0600) or less`]);
  });

  it('is ignored with a warning when it is not a plain file', () => {
    mkdirSync(join(home, '.pgpass'));
    expect(resolve({ url: 'postgresql://u@h/d' }).password).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('is not a plain file')]);
  });

  it('never shows its password in the public view of the endpoint', () => {
    writePgpass(['*:*:*:*:pgpass-secret']);
    const e = resolve({ url: 'postgresql://u@h/d' });
    expect(e.password).toBe('pgpass-secret');
    expect(JSON.stringify(publicEndpoint(e))).not.toContain('pgpass-secret');
    expect(describeEndpoint(e)).not.toContain('pgpass-secret');
  });
});

describe('TLS files', () => {
  it('refuses verify-full without a root certificate, naming the file libpq would read', () => {
    const e = usageError({ url: 'postgresql://h/d?sslmode=verify-full' });
    expect(e.message).toContain(join(home, '.postgresql', 'root.crt'));
    expect(e.message).toContain('does not exist');
  });

  it('uses ~/.postgresql/root.crt when it exists, in every mode that tries TLS', () => {
    mkdirSync(join(home, '.postgresql'));
    writeFileSync(join(home, '.postgresql', 'root.crt'), 'ca');
    expect(resolve({ url: 'postgresql://h/d?sslmode=verify-full' }).sslrootcert).toBe(join(home, '.postgresql', 'root.crt'));
    expect(resolve({ url: 'postgresql://h/d?sslmode=require' }).sslrootcert).toBe(join(home, '.postgresql', 'root.crt'));
    expect(resolve({ url: 'postgresql://h/d?sslmode=disable' }).sslrootcert).toBeUndefined();
  });

  it('drops a missing sslrootcert silently for require, as libpq does', () => {
    expect(resolve({ url: 'postgresql://h/d?sslmode=require&sslrootcert=/nonexistent/ca.pem' }).sslrootcert).toBeUndefined();
  });

  it('takes sslrootcert=system to mean verify-full, and refuses a weaker sslmode with it', () => {
    expect(resolve({ url: 'postgresql://h/d?sslrootcert=system' })).toMatchObject({ sslmode: 'verify-full', sslrootcert: 'system' });
    expect(usageError({ url: 'postgresql://h/d?sslrootcert=system&sslmode=require' }).message).toContain('verify-full');
  });

  it('sends a client certificate when its file exists, and requires a private key only we can read', () => {
    const cert = join(home, 'client.crt');
    const key = join(home, 'client.key');
    writeFileSync(cert, 'cert');
    writeFileSync(key, 'key', { mode: 0o600 });
    expect(resolve({ sslmode: 'require', sslcert: cert, sslkey: key })).toMatchObject({ sslcert: cert, sslkey: key });
    chmodSync(key, 0o644);
    expect(usageError({ sslmode: 'require', sslcert: cert, sslkey: key }).message).toMatch(/group or world access.*got 0644/);
    expect(usageError({ sslmode: 'require', sslcert: cert, sslkey: join(home, 'none.key') }).message).toContain('does not exist');
    expect(resolve({ sslmode: 'require', sslcert: join(home, 'absent.crt') }).sslcert).toBeUndefined();
  });
});

describe('bad input', () => {
  it('refuses a non-numeric port, naming where it came from', () => {
    expect(usageError({ port: Number('abc') }).message).toBe('port: expected a port number from 1 to 65535, got "NaN"');
    expect(usageError({}, { PGPORT: '54x2' }).message).toBe('PGPORT: expected a port number from 1 to 65535, got "54x2"');
    expect(usageError({ url: 'postgresql://h:70000/d' }).message).toBe(
      'port in url "postgresql://h:70000/d": expected a port number from 1 to 65535, got "70000"',
    );
  });

  it('refuses an unknown sslmode, listing the valid ones', () => {
    expect(usageError({}, { PGSSLMODE: 'strict' }).message).toBe(
      'PGSSLMODE: expected one of disable, allow, prefer, require, verify-ca, verify-full, got "strict"',
    );
  });

  it('refuses a string that is not a connection string', () => {
    expect(usageError({ url: 'localhost:5432' }).message).toBe('url: expected a postgresql:// URI or a "keyword=value ..." connection string, got "localhost:5432"');
    expect(usageError({ url: 'mysql://u@h/d' }).message).toContain('got "mysql://u@h/d"');
  });

  it('refuses malformed URIs with a reason', () => {
    expect(usageError({ url: 'postgresql://[::1/d' }).message).toContain('expected "]" to close the IPv6 address');
    expect(usageError({ url: 'postgresql://h/d?sslmode' }).message).toContain('expected keyword=value query parameters');
    expect(usageError({ url: 'postgresql://h/d?nonsense=1' }).message).toContain('found unknown "nonsense"');
    expect(usageError({ url: 'postgresql://h/my db' }).message).toContain('encode it as %20');
    expect(usageError({ url: 'postgresql://h/d%zz' }).message).toBe('url: expected "%" and two hexadecimal digits in the database name, got "postgresql://h/d%zz"');
  });

  it('refuses malformed keyword/value strings with a reason', () => {
    expect(usageError({ url: "host='unclosed" }).message).toContain('expected a closing quote');
    expect(usageError({ url: 'host=h dbname' }).message).toContain('expected "=" after "dbname"');
  });

  it('never echoes the password of a URL it refuses', () => {
    const cases = [
      'postgresql://bob:hunter2@db:notaport/app',
      'postgresql://bob:hun%zzter2@db/app',
      'postgresql://bob:hunter2@db/app?sslmode=strict',
      'postgresql://bob:hunter2@db1,db2:x/app',
      'postgresql://db/app?password=hunter2&bogus=1',
      'postgresql://db/app?password=hun&ter2&sslmode=strict',
      'postgresql://bob:hun@ter2@db:x/app',
      'mysql://bob:hunter2@db/app',
      'bob:hunter2@db/app',
      'host=db password=hunter2 bogus=1',
      'host=db password=hun ter2 dbname=app',
      "host=db password='hunter2",
      'postgresql://db/app?sslpassword=hunter2',
      'host=db sslpassword=hunter2 service=x',
    ];
    for (const url of cases) {
      const e = usageError({ url });
      const text = `${e.message} ${e.shortMessage} ${JSON.stringify(e)}`;
      expect(text, url).not.toContain('hunter2');
      expect(text, url).not.toContain('ter2');
    }
  });
});

describe('redactUrl', () => {
  it('replaces the password of a URI, a query parameter or a keyword/value string by ***', () => {
    expect(redactUrl('postgresql://bob:s3cret@db:5432/app?sslmode=require')).toBe('postgresql://bob:***@db:5432/app?sslmode=require');
    expect(redactUrl('postgresql://db/app?sslmode=require&password=s3cret&user=bob')).toBe('postgresql://db/app?sslmode=require&password=***&user=bob');
    expect(redactUrl("host=db password='s 3 \\' cret' dbname=app")).toBe('host=db password=*** dbname=app');
    expect(redactUrl('host=db password=s3cret')).toBe('host=db password=***');
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactUrl('postgresql://bob@db:5432/app')).toBe('postgresql://bob@db:5432/app');
    expect(redactUrl('postgresql://[::1]:5432/app')).toBe('postgresql://[::1]:5432/app');
    expect(redactUrl('host=db dbname=app')).toBe('host=db dbname=app');
  });

  it('redacts a password with unencoded "@", "/" or "?" too', () => {
    expect(redactUrl('postgresql://bob:a@b/c?d@db/app')).toBe('postgresql://bob:***@db/app');
  });
});
