import { defineWorkload } from '../workload-types.js';
import { eventsTableDdl } from '../ledger-table.js';
import { insertEvent } from './insert-event.js';

/** Ledgered inserts only: every attempt is a write whose fate verification can prove. */
export const writesOnly = defineWorkload({
  name: 'writes-only',
  description: 'ledgered event inserts only (what the accuracy tests and benchmarks use)',
  ddl: eventsTableDdl,
  operations: [insertEvent(1)],
});
