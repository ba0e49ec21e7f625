import { CutoverError } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import { qualifiedName, quoteIdent } from '../../validate/sql-ident.js';
import type { LoadTable } from './builtin-table-load.js';
import { loadError } from './builtin-table-load.js';

/** How one foreign key of the file ended up in PostgreSQL. */
export interface ForeignKeyOutcome {
  table: string;
  columns: string[];
  parent: string;
  /** `valid`: checked over every row; `not-valid`: rows of the file break it, added NOT VALID; `skipped`: not added (`reason`). */
  status: 'valid' | 'not-valid' | 'skipped';
  reason?: string;
}

const ACTIONS = new Set(['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT']);

/**
 * Adds the file's foreign keys once every table holds its rows, each checked by PostgreSQL over
 * all of them. SQLite enforces foreign keys only when an application turns them on, so a file may
 * hold orphans: such a key is added NOT VALID (new rows are checked, old ones are not), logged,
 * and left for a later check to count; the load goes on. A key PostgreSQL cannot have at all (its
 * parent not loaded, or no unique key on the parent's columns) is skipped and logged.
 */
export async function addForeignKeys(pg: Session, schema: string, tables: readonly LoadTable[], log: (line: string) => void): Promise<ForeignKeyOutcome[]> {
  const outcomes: ForeignKeyOutcome[] = [];
  for (const table of tables) {
    for (const fk of table.shape.foreignKeys) {
      const parent = tables.find((t) => t.name === fk.parent) ?? tables.find((t) => t.name.toLowerCase() === fk.parent.toLowerCase());
      const base = { table: table.name, columns: fk.from, parent: parent?.name ?? fk.parent };
      const to = fk.to.length > 0 ? fk.to : (parent?.key ?? []);
      const skip = (reason: string): void => {
        log(`${table.name}: foreign key (${fk.from.join(', ')}) → ${fk.parent} not added: ${reason}`);
        outcomes.push({ ...base, status: 'skipped', reason });
      };
      if (!parent) {
        skip(`no table ${fk.parent} was loaded`);
        continue;
      }
      if (to.length !== fk.from.length) {
        skip(`${parent.name} has no primary key to reference`);
        continue;
      }
      const actions = [['UPDATE', fk.onUpdate.toUpperCase()], ['DELETE', fk.onDelete.toUpperCase()]].filter(([, a]) => a && ACTIONS.has(a) && a !== 'NO ACTION');
      const sql = `ALTER TABLE ${qualifiedName(schema, table.name)} ADD FOREIGN KEY (${fk.from.map(quoteIdent).join(', ')}) REFERENCES ${qualifiedName(schema, parent.name)} (${to.map(quoteIdent).join(', ')})${actions.map(([on, a]) => ` ON ${on} ${a}`).join('')}`;
      try {
        await pg.query(sql);
        outcomes.push({ ...base, status: 'valid' });
      } catch (error) {
        const state = error instanceof CutoverError ? error.sqlState : undefined;
        if (state === '42830') {
          skip(`PostgreSQL needs a unique key on ${parent.name} (${to.join(', ')}) to reference, and the file has none`);
        } else if (state === '23503') {
          await pg.query(`${sql} NOT VALID`).catch((e: unknown) => {
            throw loadError(e, `${table.name}: adding a foreign key NOT VALID`);
          });
          const reason = `rows of ${table.name} reference no row of ${parent.name} (${error instanceof CutoverError ? (error.detail ?? error.shortMessage) : String(error)}): added NOT VALID, the orphans stay`;
          log(`${table.name}: foreign key (${fk.from.join(', ')}) → ${parent.name}: ${reason}`);
          outcomes.push({ ...base, status: 'not-valid', reason });
        } else {
          throw loadError(error, `${table.name}: adding a foreign key to ${parent.name}`);
        }
      }
    }
  }
  return outcomes;
}
