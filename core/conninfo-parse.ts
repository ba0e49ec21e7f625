import { CutoverError } from './errors.js';
import { isKnownKeyword } from './libpq-keywords.js';
import { redactUrl } from './redact-url.js';

/** The libpq keywords a connection string sets, with their decoded values. */
export type ConnParams = Map<string, string>;

const URI_PREFIXES = ['postgresql://', 'postgres://'];
const EXPECTED = 'a postgresql:// URI or a "keyword=value ..." connection string';

/**
 * Parses a connection string the way libpq does: a `postgresql://` (or `postgres://`) URI with
 * percent-encoding, bracketed IPv6 hosts, several comma-separated hosts and query parameters, or a `host=x port=5432 dbname=y`
 * keyword/value string with single quotes and backslash escapes. `option` names the input in
 * error messages, which show the string with its password replaced by `***`.
 */
export function parseConnectionString(text: string, option = 'url'): ConnParams {
  const fail = (problem: string): never => {
    throw new CutoverError('usage', `${option}: ${problem}, got "${redactUrl(text)}"`);
  };
  const prefix = URI_PREFIXES.find((p) => text.startsWith(p));
  if (prefix) return parseUri(text, prefix.length, fail);
  if (text.includes('=')) return parseKeywordValue(text, fail);
  return fail(`expected ${EXPECTED}`);
}

type Fail = (problem: string) => never;

/** postgresql://[user[:password]@][host][:port][/dbname][?keyword=value&...] */
function parseUri(text: string, start: number, fail: Fail): ConnParams {
  const params: ConnParams = new Map();
  const n = text.length;
  let p = start;

  // libpq looks for the user information up to the first "@" before any "/".
  let q = p;
  while (q < n && text[q] !== '@' && text[q] !== '/') q++;
  if (text[q] === '@') {
    const userinfo = text.slice(p, q);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user) params.set('user', decode(user, 'the user name', fail));
    const password = colon < 0 ? '' : userinfo.slice(colon + 1);
    if (password) params.set('password', decode(password, 'the password', fail));
    p = q + 1;
  }

  // libpq's URI takes a comma-separated list of host[:port] specs; it joins them into one
  // "host=a,b" and one "port=1,2" (an empty port where a spec names none).
  const hosts: string[] = [];
  const ports: string[] = [];
  for (;;) {
    let host: string;
    if (text[p] === '[') {
      const close = text.indexOf(']', p);
      if (close < 0) fail('expected "]" to close the IPv6 address');
      if (close === p + 1) fail('expected an IPv6 address between "[" and "]"');
      host = text.slice(p + 1, close);
      p = close + 1;
      if (p < n && !':/?,'.includes(text.charAt(p))) fail(`expected ":", "/" or "?" after the IPv6 address, found "${text.charAt(p)}"`);
    } else {
      q = p;
      while (q < n && !':/?,'.includes(text.charAt(q))) q++;
      host = text.slice(p, q);
      p = q;
    }
    let port = '';
    if (text[p] === ':') {
      q = p + 1;
      while (q < n && !'/?,'.includes(text.charAt(q))) q++;
      port = text.slice(p + 1, q);
      p = q;
    }
    hosts.push(host ? decode(host, 'the host', fail) : '');
    ports.push(port ? decode(port, 'the port', fail) : '');
    if (text[p] !== ',') break;
    p++;
  }
  if (hosts.some((h) => h !== '')) params.set('host', hosts.join(','));
  if (ports.some((x) => x !== '')) params.set('port', ports.join(','));

  if (text[p] === '/') {
    q = text.indexOf('?', p);
    if (q < 0) q = n;
    // An empty database name leaves PGDATABASE in force, as in libpq.
    const dbname = text.slice(p + 1, q);
    if (dbname) params.set('dbname', decode(dbname, 'the database name', fail));
    p = q;
  }
  if (text[p] === '?') parseQuery(text.slice(p + 1), params, fail);
  return params;
}

function parseQuery(query: string, params: ConnParams, fail: Fail): void {
  const pieces = query.split('&');
  let afterPassword = false;
  if (pieces.at(-1) === '') pieces.pop(); // a trailing "&" is tolerated
  for (const piece of pieces) {
    const parts = piece.split('=');
    // The piece itself is not echoed: with an unencoded "&" in a password, it is part of it.
    if (parts.length < 2) fail('expected keyword=value query parameters');
    if (parts.length > 2) fail('expected one "=" per query parameter (encode others as %3D)');
    let keyword = decode(parts[0] ?? '', 'a query parameter name', fail);
    let value = decode(parts[1] ?? '', afterPassword ? 'a query parameter' : `the value of "${keyword}"`, fail);
    // libpq accepts JDBC's ssl=true in URIs.
    if (keyword === 'ssl' && value === 'true') [keyword, value] = ['sslmode', 'require'];
    setParam(params, keyword, value, fail, afterPassword);
    afterPassword ||= keyword === 'password';
  }
}

/** libpq's keyword/value syntax: `keyword = value`, values in single quotes or with `\` escapes. */
function parseKeywordValue(text: string, fail: Fail): ConnParams {
  const params: ConnParams = new Map();
  const n = text.length;
  const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  let p = 0;
  while (p < n) {
    if (isSpace(text[p])) {
      p++;
      continue;
    }
    const nameStart = p;
    while (p < n && text[p] !== '=' && !isSpace(text[p])) p++;
    const keyword = text.slice(nameStart, p);
    while (isSpace(text[p])) p++;
    // After an unquoted password with a space, the next "keyword" is the rest of the password.
    if (text[p] !== '=') fail(params.has('password') ? 'expected keyword=value after the password (quote a value with spaces)' : `expected "=" after "${keyword}"`);
    p++;
    while (isSpace(text[p])) p++;
    let value = '';
    if (text[p] === "'") {
      p++;
      for (;;) {
        if (p >= n) fail('expected a closing quote');
        const c = text.charAt(p);
        if (c === '\\') {
          p++;
          if (p < n) value += text.charAt(p++);
        } else if (c === "'") {
          p++;
          break;
        } else {
          value += c;
          p++;
        }
      }
    } else {
      while (p < n && !isSpace(text[p])) {
        if (text[p] === '\\') {
          p++;
          if (p < n) value += text.charAt(p++);
        } else {
          value += text.charAt(p++);
        }
      }
    }
    setParam(params, keyword, value, fail, params.has('password'));
  }
  return params;
}

function setParam(params: ConnParams, keyword: string, value: string, fail: Fail, afterPassword: boolean): void {
  // libpq still translates the pre-8.4 requiressl keyword.
  if (keyword === 'requiressl') {
    params.set('sslmode', value.startsWith('1') ? 'require' : 'prefer');
    return;
  }
  if (!isKnownKeyword(keyword)) {
    // A keyword after a password may be a piece of a password with an unencoded "&" or space.
    fail(afterPassword ? 'expected libpq connection options after the password' : `expected libpq connection options, found unknown "${keyword}"`);
  }
  params.set(keyword, value);
}

/**
 * libpq's percent-decoding: `%XX` with two hexadecimal digits, `%00` forbidden, surrounding
 * spaces trimmed and inner literal spaces refused (PostgreSQL 17's libpq asks for `%20`).
 */
function decode(raw: string, what: string, fail: Fail): string {
  const s = raw.replace(/^ +| +$/g, '');
  if (s.includes(' ')) fail(`expected no space in ${what} (encode it as %20)`);
  // Percent-escapes are bytes (a UTF-8 character may span several escapes), so decode bytes.
  const bytes: number[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) fail(`expected "%" and two hexadecimal digits in ${what}`);
      const byte = parseInt(hex, 16);
      if (byte === 0) fail(`expected no %00 in ${what}`);
      bytes.push(byte);
      i += 3;
    } else {
      const char = String.fromCodePoint(s.codePointAt(i) ?? 0);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
