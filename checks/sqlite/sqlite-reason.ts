/** SQLite's error code (better-sqlite3 names it, e.g. `SQLITE_CORRUPT`) and message, on one line. */
export function sqliteReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

/** SQLite found the file damaged while reading it: what integrity_check would report, not a failure to look. */
export function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}
