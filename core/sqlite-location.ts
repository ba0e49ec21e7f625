import { isAbsolute, resolve } from 'node:path';

/** A SQLite file named where a database URL is accepted: `sqlite:PATH` or `file:PATH`. */
export interface SqliteLocation {
  /** Absolute path of the file. */
  path: string;
  /** As given, for messages. */
  text: string;
}

/**
 * `sqlite:PATH`, `sqlite://PATH` (so `sqlite:///abs/app.db` is `/abs/app.db`) or SQLite's own
 * `file:PATH` form, a relative PATH taken from `cwd`; anything else (a PostgreSQL URL) is not one.
 * A query string (`?mode=ro`) is not accepted: the file is always opened read-only.
 */
export function parseSqliteLocation(text: string, cwd: string): SqliteLocation | undefined {
  const match = /^(sqlite|file):(.*)$/is.exec(text.trim());
  if (!match) return undefined;
  let path = match[2] ?? '';
  if (path.startsWith('//')) path = path.slice(2);
  path = decodeURIComponent(path);
  return { path: isAbsolute(path) ? path : resolve(cwd, path), text };
}
