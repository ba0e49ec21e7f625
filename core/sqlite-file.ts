import { open, stat } from 'node:fs/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { formatMs } from './duration.js';
import { CutoverError } from './errors.js';
import type { SqliteLocation } from './sqlite-location.js';

/** A SQLite file open read-only: it is never written (no journal, no schema change, no vacuum). */
export interface SqliteFile extends Disposable {
  readonly location: SqliteLocation;
  readonly db: BetterSqlite3.Database;
  /** The SQLite library's version, e.g. `3.53.2`. */
  readonly sqliteVersion: string;
  close(): void;
}

export interface OpenSqliteOptions {
  /** How long a read waits for another process's write lock before giving up. Default 5 s. */
  busyTimeoutMs?: number;
  /** Names the option in messages, e.g. `--source`. */
  label: string;
}

/** The 16 bytes every SQLite 3 database file starts with. */
const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens a SQLite file read-only (`readonly`, `fileMustExist`, `PRAGMA query_only`) and reads its
 * schema once, so that what is wrong with it is said now, naming the option: no such file, a
 * directory, an empty file or one that is not SQLite, a corrupt file (exit 2, input), or a file
 * another process holds locked past the busy timeout (exit 3: it could not be read now).
 */
export async function openSqliteFile(location: SqliteLocation, options: OpenSqliteOptions): Promise<SqliteFile> {
  const name = `${options.label} ${location.text}`;
  const info = await stat(location.path).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'no such file' : error.code === 'EACCES' ? 'permission denied' : (error.message ?? String(error));
    throw new CutoverError('input', `${name}: ${why} (${location.path})`, { cause: error });
  });
  if (info.isDirectory()) throw new CutoverError('input', `${name}: is a directory, not a SQLite file (${location.path})`);
  if (info.size === 0) throw new CutoverError('input', `${name}: is empty (0 bytes), not a SQLite database (${location.path})`);
  const head = Buffer.alloc(HEADER.length);
  {
    await using file = await open(location.path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new CutoverError('input', `${name}: cannot be read: ${error.code === 'EACCES' ? 'permission denied' : error.message} (${location.path})`, { cause: error });
    });
    await file.read(head, 0, HEADER.length, 0);
  }
  if (!head.equals(HEADER)) throw new CutoverError('input', `${name}: not a SQLite database (it does not start with the SQLite header) (${location.path})`);

  const { default: Database } = await import('better-sqlite3');
  let db: BetterSqlite3.Database;
  try {
    db = new Database(location.path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5_000 });
  } catch (error) {
    throw sqliteError(error, name, location, options);
  }
  try {
    db.pragma('query_only = ON');
    // Reading the schema reads the header and the first pages: a damaged file or a held lock shows now.
    db.prepare('SELECT count(*) AS n FROM sqlite_schema').get();
    const { v } = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    const close = (): void => {
      if (db.open) db.close();
    };
    return { location, db, sqliteVersion: v, close, [Symbol.dispose]: close };
  } catch (error) {
    db.close();
    throw sqliteError(error, name, location, options);
  }
}

/** SQLite's error codes (better-sqlite3 names them, e.g. `SQLITE_CORRUPT`), as the harness's. */
function sqliteError(error: unknown, name: string, location: SqliteLocation, options: OpenSqliteOptions): CutoverError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const where = `(${location.path})`;
  // The file is not at fault: better-sqlite3's compiled module was built for another Node.js (node_modules installed under another version).
  if (code === 'ERR_DLOPEN_FAILED') {
    const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
    const why = abi ? `it was compiled for NODE_MODULE_VERSION ${abi[1]}, this Node.js ${process.version} needs ${abi[2]}` : (message.split('\n')[0] ?? message);
    return new CutoverError('internal', `${name}: cannot be read: the SQLite library (better-sqlite3's native module) does not load: ${why}; rebuild it for this Node.js: npm rebuild better-sqlite3`, { cause: error });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new CutoverError('connect', `${name}: locked by another process (SQLite: ${message}) after waiting ${formatMs(options.busyTimeoutMs ?? 5_000)} ${where}`, { cause: error });
  }
  if (code === 'SQLITE_NOTADB') return new CutoverError('input', `${name}: not a SQLite database (SQLite: ${message}) ${where}`, { cause: error });
  if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) return new CutoverError('input', `${name}: corrupt (SQLite: ${message}) ${where}`, { cause: error });
  if (typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN')) return new CutoverError('input', `${name}: cannot be opened (SQLite: ${message}) ${where}`, { cause: error });
  return new CutoverError('input', `${name}: ${message} ${where}`, { cause: error });
}
