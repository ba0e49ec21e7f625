import type { SqliteColumn } from '../../core/sqlite-catalog.js';

/** SQLite's storage classes of a non-NULL value, as `typeof()` names them. */
export type StorageClass = 'integer' | 'real' | 'text' | 'blob';

/** Every storage class of a non-NULL value, in the order counts list them. */
export const STORAGE_CLASSES: readonly StorageClass[] = ['integer', 'real', 'text', 'blob'];

/**
 * NUMERIC affinity is SQLite's fallback for any declared type it does not recognise (DATETIME,
 * JSON, UUID, STRING…), whose values apps store as text on purpose (ISO timestamps, JSON
 * documents, UUIDs): only a declared number or boolean (NUMERIC, DECIMAL, BOOLEAN) means text there
 * was not meant.
 */
const NUMBER_BY_DECLARATION = /NUM|DEC|BOOL/i;

/**
 * The storage classes a column's affinity gives its values (https://sqlite.org/datatype3.html);
 * anything else was stored as it came because SQLite could not convert it (text `'n/a'` in an
 * INTEGER column, `1.5` there, a BLOB anywhere). Undefined: no affinity, any class is expected.
 */
export function expectedClasses(column: Pick<SqliteColumn, 'affinity' | 'declared'>): readonly StorageClass[] | undefined {
  switch (column.affinity) {
    case 'INTEGER':
      return ['integer'];
    case 'REAL':
      return ['real'];
    case 'TEXT':
      return ['text'];
    case 'NUMERIC':
      return NUMBER_BY_DECLARATION.test(column.declared) ? ['integer', 'real'] : ['integer', 'real', 'text'];
    case 'BLOB':
      return undefined;
  }
}
