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
  doc: {
    collects: 'per database: tables, columns, constraints, indexes, sequences, views, materialized views, triggers and functions, each with a fingerprint of its definition',
    evaluates: 'invalid indexes and unpopulated materialized views',
    compares: 'objects that disappeared, appeared or changed, column by column for tables, and sequences that went back',
    findings: {
      '<kind>-disappeared': { severity: 'varies', meaning: 'an object of pre is not there after (kind: table, index, constraint, sequence, view, trigger, function…)' },
      '<kind>-appeared': { severity: 'info', meaning: 'an object appeared' },
      '<kind>-changed': { severity: 'varies', meaning: "an object's definition changed" },
      'column-disappeared': { severity: 'fail', meaning: 'a column of pre is not there after' },
      'column-appeared': { severity: 'info', meaning: 'a column appeared' },
      'column-type-changed': { severity: 'fail', meaning: 'a column has another type' },
      'column-changed': { severity: 'warn', meaning: 'a column has another default, nullability or collation' },
      'table-changed': { severity: 'warn', meaning: 'a table changed otherwise (persistence, partitioning…)' },
      'sequence-behind': { severity: 'fail', meaning: "a sequence's value is behind pre's: new ids would collide" },
      'sequence-value-hidden': { severity: 'warn', meaning: "a sequence's value could not be read" },
      'index-invalid': { severity: 'fail', meaning: 'an index is invalid' },
      'matview-unpopulated': { severity: 'warn', meaning: 'a materialized view is not populated' },
    },
  },
  async collect(ctx) {
    const { inspected, uninspected } = await forEachDatabase(ctx, (session) => collectInventory(session));
    return { databases: Object.fromEntries(inspected.map((i) => [i.database, i.value])), uninspected };
  },
  evaluate: (data) => evaluateSchema(data),
  compare: (pre, post) => compareSchema(pre, post),
});
