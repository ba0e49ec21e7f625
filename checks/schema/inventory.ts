import type { Session } from '../../core/session.js';
import type { UninspectedDatabase } from '../each-database.js';
import { type ConstraintInfo, collectConstraints } from './constraints.js';
import { type FunctionInfo, collectFunctions } from './functions.js';
import { type IndexInfo, collectIndexes } from './indexes.js';
import { type SequenceInfo, collectSequences } from './sequences.js';
import { type TableInfo, collectTables } from './tables.js';
import { type TriggerInfo, collectTriggers } from './triggers.js';
import { type MaterializedViewInfo, type ViewInfo, collectViews } from './views.js';

/** The user objects of one database, each keyed by its quoted qualified name. */
export interface SchemaInventory {
  tables: Record<string, TableInfo>;
  constraints: Record<string, ConstraintInfo>;
  indexes: Record<string, IndexInfo>;
  sequences: Record<string, SequenceInfo>;
  views: Record<string, ViewInfo>;
  matviews: Record<string, MaterializedViewInfo>;
  triggers: Record<string, TriggerInfo>;
  functions: Record<string, FunctionInfo>;
}

/** The data of the `schema` check. */
export interface SchemaData {
  databases: Record<string, SchemaInventory>;
  uninspected: UninspectedDatabase[];
}

/**
 * Inventories one database with one set-based catalog query per kind of object (eight in all,
 * whatever the number of tables), so a database of thousands of tables stays fast.
 */
export async function collectInventory(db: Session): Promise<SchemaInventory> {
  const tables = await collectTables(db);
  const constraints = await collectConstraints(db);
  const indexes = await collectIndexes(db);
  const sequences = await collectSequences(db);
  const { views, matviews } = await collectViews(db);
  const triggers = await collectTriggers(db);
  const functions = await collectFunctions(db);
  return { tables, constraints, indexes, sequences, views, matviews, triggers, functions };
}
