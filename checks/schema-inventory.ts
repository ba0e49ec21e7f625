import { defineCheck } from './define-check.js';
import { forEachDatabase } from './each-database.js';
import { type SchemaData, collectInventory } from './schema/inventory.js';
import { compareSchema } from './schema/compare.js';
import { evaluateSchema } from './schema/evaluate.js';

/**
 * The user objects of every database, fingerprinted: tables and columns, constraints, indexes
 * (valid, ready), sequences and last values, views, materialized views, triggers, functions.
 */
export const schemaCheck = defineCheck<SchemaData>({
  id: 'schema',
  title: 'Schema inventory: tables, columns, constraints, indexes, sequences, views, triggers, functions',
  async collect(ctx) {
    const { inspected, uninspected } = await forEachDatabase(ctx, (session) => collectInventory(session));
    return { databases: Object.fromEntries(inspected.map((i) => [i.database, i.value])), uninspected };
  },
  evaluate: (data) => evaluateSchema(data),
  compare: (pre, post) => compareSchema(pre, post),
});
