import { hostname } from 'node:os';
import { openSession } from '../core/session.js';
import { runDriver } from '../load/driver/index.js';
import type { LedgerWriter } from '../load/ledger-types.js';
import { registerWriter } from '../load/writer-registry.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import { prepareWorkload } from '../load/workloads/prepare.js';
import type { WorkloadDefinition } from '../load/workload-types.js';
import type { BaselineEngineRunner, EngineRepeat } from './baseline-engine.js';
import type { BaselinePlan, BaselineTarget } from './baseline-plan.js';

/**
 * The Node driver (the soak's engine) as a baseline engine: the same open-loop load, its writes
 * not ledgered (a baseline measures; it proves nothing about writes), its seconds the soak's.
 */
export function nodeEngine(plan: BaselinePlan & { rate: number }, workload: WorkloadDefinition, o: { signal?: AbortSignal } = {}): BaselineEngineRunner {
  return {
    async prepare(target: BaselineTarget): Promise<void> {
      await using db = await openSession(target.endpoint, { readOnly: false, applicationName: 'cutover-baseline-setup', statementTimeoutMs: 600_000 });
      await prepareWorkload(db, workload, plan.schema);
    },
    async repeat(target: BaselineTarget): Promise<EngineRepeat> {
      const seconds: TimelineBucket[] = [];
      const started = Date.now();
      const result = await runDriver({
        workload,
        endpoint: target.endpoint,
        rate: plan.rate,
        durationMs: plan.warmupMs + plan.durationMs,
        schema: plan.schema,
        connections: plan.clients,
        prepare: false,
        applicationName: 'cutover-baseline',
        ...(o.signal ? { signal: o.signal } : {}),
        ledger: async ({ db, schema }) => unledgered(await registerWriter(db, schema, `cutover baseline, pid ${process.pid} on ${hostname()}`)),
        onSecond: (b) => void seconds.push(b),
      });
      const skip = Math.round(plan.warmupMs / 1000);
      const buckets = seconds.filter((b) => b.second >= skip).map((b) => ({ ...b, second: b.second - skip }));
      let failed = 0;
      for (const b of seconds) for (const n of Object.values(b.errors)) failed += n ?? 0;
      const classes = Object.entries(result.errors ?? {}).map(([cls, n]) => `${n} ${cls}`);
      return { buckets, startedAt: started, endedAt: Date.now(), failed, abortedClients: 0, problems: failed ? [`errors: ${classes.join(', ') || failed}`] : [] };
    },
  };
}

/** A writer whose outcomes are not kept: ids are still the ledger's layout, unique to this writer. */
function unledgered(writer: LedgerWriter['writer']): LedgerWriter {
  const nothing = async () => {};
  return { writer, beforeSend: () => {}, record: () => {}, flush: nothing, close: nothing, [Symbol.asyncDispose]: nothing };
}
