import { readFileSync, statSync, type Stats } from 'node:fs';

/** What a password file line is matched against. */
export interface PgpassTarget {
  host: string;
  /** As given (libpq compares the text, so "05432" does not match "5432"). */
  port: string;
  database: string;
  user: string;
}

/**
 * libpq's compiled-in Unix socket directory, which a password file names `localhost`. Upstream
 * builds use /tmp; Debian's and the RPM packages use /var/run/postgresql.
 */
const DEFAULT_SOCKET_DIRS = ['/tmp', '/var/run/postgresql', '/run/postgresql'];

/**
 * The password for a target from a libpq password file (`hostname:port:database:username:password`),
 * with libpq's rules: `*` matches anything, `\` escapes `:` and `\`, `#` starts a comment, the
 * first matching line wins. A file that is not a plain file or that the group or others can read
 * is ignored with a warning, as libpq does.
 */
export function passwordFromFile(target: PgpassTarget, file: string, warn: (message: string) => void): string | undefined {
  if (!target.database || !target.user) return undefined;
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch {
    return undefined; // no file: nothing to say, as in libpq
  }
  if (process.platform !== 'win32') {
    if (!stats.isFile()) {
      warn(`password file "${file}" is not a plain file`);
      return undefined;
    }
    if (stats.mode & 0o077) {
      warn(`password file "${file}" has group or world access; permissions should be u=rw (0600) or less`);
      return undefined;
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return findPassword(text, target);
}

/** The password of the first line of a password file's text that matches the target. */
export function findPassword(text: string, target: PgpassTarget): string | undefined {
  const host = !target.host || DEFAULT_SOCKET_DIRS.includes(target.host) ? 'localhost' : target.host;
  const fields = [host, target.port || '5432', target.database, target.user];
  for (const rawLine of text.split('\n')) {
    if (rawLine.startsWith('#')) continue;
    const line = rawLine.replace(/[\r\n]+$/, '');
    if (!line) continue;
    let rest: string | undefined = line;
    for (const field of fields) {
      rest = matchField(rest, field);
      if (rest === undefined) break;
    }
    if (rest !== undefined) return unescapePassword(rest) || undefined;
  }
  return undefined;
}

/** libpq's pwdfMatchesString: the rest of the line after a matching field, or undefined. */
function matchField(line: string, token: string): string | undefined {
  if (line.startsWith('*:')) return line.slice(2);
  let i = 0;
  let t = 0;
  let escaped = false;
  while (i < line.length) {
    if (line[i] === '\\' && !escaped) {
      i++;
      escaped = true;
    }
    if (line[i] === ':' && t === token.length && !escaped) return line.slice(i + 1);
    escaped = false;
    if (t === token.length) return undefined;
    if (line[i] !== token[t]) return undefined;
    i++;
    t++;
  }
  return undefined;
}

/** The password field ends at the first unescaped `:`. */
function unescapePassword(rest: string): string {
  let out = '';
  for (let i = 0; i < rest.length && rest[i] !== ':'; i++) {
    if (rest[i] === '\\' && i + 1 < rest.length) i++;
    out += rest[i];
  }
  return out;
}
