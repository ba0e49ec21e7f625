/**
 * An identifier quoted for SQL, always: the soak's schema name comes from the user, and a bare
 * name that happens to be a keyword (`user`, `order`) or has capitals would break or change meaning.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The schema-qualified name of a soak table, both parts quoted. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
