import { defineWorkload } from '../workload-types.js';
import { eventsTableDdl } from '../ledger-table.js';
import { insertEvent } from './insert-event.js';
import { pickRecent } from './pick-recent.js';

/**
 * The notification flow of many upgrade runbooks' soak tests: an event is written (ledgered),
 * later marked delivered, and clients keep reading the newest events.
 */
export const notifications = defineWorkload({
  name: 'notifications',
  description: 'ledgered event inserts, status updates of recent events, reads of recent events',
  ddl: eventsTableDdl,
  operations: [
    insertEvent(50),
    {
      name: 'mark-delivered',
      weight: 30,
      kind: 'plain',
      sql: `UPDATE {schema}.events SET status = 'delivered', updated_at = now() WHERE id = $1`,
      params: (ctx) => [pickRecent(ctx)],
      pgbench: [':recent'],
    },
    {
      name: 'read-recent',
      weight: 20,
      kind: 'plain',
      sql: 'SELECT id, status, payload FROM {schema}.events WHERE id >= $1 ORDER BY id LIMIT 20',
      params: (ctx) => [ctx.recentIds()[0] ?? '0'],
      pgbench: [':oldest_recent'],
    },
  ],
});
