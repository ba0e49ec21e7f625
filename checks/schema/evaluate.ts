import type { FindingInput } from '../finding.js';
import type { SchemaData } from './inventory.js';
import { uninspectedFindings } from '../uninspected-findings.js';

/**
 * Findings from one inventory: an invalid or not-ready index fails (a failed or running
 * CREATE INDEX CONCURRENTLY: the index is not used for reads, and a unique one does not
 * enforce), a materialized view that holds no data warns (reading it raises an error), and so
 * does a database that could not be opened.
 */
export function evaluateSchema(data: SchemaData): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const [database, inventory] of Object.entries(data.databases)) {
    for (const [name, index] of Object.entries(inventory.indexes)) {
      if (index.valid && index.ready) continue;
      const state = [index.valid ? '' : 'invalid', index.ready ? '' : 'not ready'].filter(Boolean).join(' and ');
      findings.push({
        key: `index-invalid:${database}:${name}`,
        severity: 'fail',
        message: `${database}: index ${name} on ${index.table} is ${state} (a failed or unfinished CREATE INDEX CONCURRENTLY): REINDEX or drop it`,
        object: `${database}.${name}`,
        details: { valid: index.valid, ready: index.ready, live: index.live, definition: index.definition },
      });
    }
    for (const [name, view] of Object.entries(inventory.matviews)) {
      if (view.populated) continue;
      findings.push({
        key: `matview-unpopulated:${database}:${name}`,
        severity: 'warn',
        message: `${database}: materialized view ${name} holds no data (created WITH NO DATA, never refreshed): reading it fails until REFRESH`,
        object: `${database}.${name}`,
      });
    }
  }
  findings.push(...uninspectedFindings(data.uninspected, 'schema objects'));
  return findings;
}
