import { hostname } from 'node:os';
import { openSession } from '../core/session.js';
import { runDriver } from '../load/driver/index.js';
import type { LedgerWriter } from '../load/ledger-types.js';
import { registerWriter } from '../load/writer-registry.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import { encodeHistogram, mergeHistograms, summariseHistogram } from '../load/latency-histogram.js';
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
      const buckets = steadySeconds(seconds.filter((b) => b.second >= skip).map((b) => ({ ...b, second: b.second - skip })), plan.durationMs);
      let failed = 0;
      for (const b of seconds) for (const n of Object.values(b.errors)) failed += n ?? 0;
      const classes = Object.entries(result.errors ?? {}).map(([cls, n]) => `${n} ${cls}`);
      return { buckets, startedAt: started, endedAt: Date.now(), failed, abortedClients: 0, problems: failed ? [`errors: ${classes.join(', ') || failed}`] : [] };
    },
  };
}

/**
 * The steady seconds spanning exactly `durationMs`, as pgbench's: the driver stops once its last
 * attempt is due (a few ms before the end) and then drains, so its last second is short and
 * completions may spill into one more; those are folded into the last second, whose span is the
 * schedule's.
 */
export function steadySeconds(buckets: TimelineBucket[], durationMs: number): TimelineBucket[] {
  const count = Math.ceil(durationMs / 1000);
  const kept = buckets.filter((b) => b.second < count).map((b) => ({ ...b, spanMs: Math.min(1000, durationMs - b.second * 1000) }));
  const last = kept[kept.length - 1];
  const spill = buckets.filter((b) => b.second >= count);
  if (!last || !spill.length) return kept;
  const all = [last, ...spill];
  const latency = mergeHistograms(all.map((b) => b.latencyHistUs));
  const lag = mergeHistograms(all.map((b) => b.lagHistUs));
  const errors: TimelineBucket['errors'] = { ...last.errors };
  const ops: TimelineBucket['ops'] = structuredClone(last.ops);
  for (const b of spill) {
    last.attempts += b.attempts;
    last.ok += b.ok;
    for (const [cls, n] of Object.entries(b.errors) as [keyof typeof errors, number][]) errors[cls] = (errors[cls] ?? 0) + n;
    for (const [name, c] of Object.entries(b.ops)) {
      const o = (ops[name] ??= { attempts: 0, ok: 0, failed: 0 });
      o.attempts += c.attempts;
      o.ok += c.ok;
      o.failed += c.failed;
    }
  }
  const l = summariseHistogram(latency);
  const g = summariseHistogram(lag);
  Object.assign(last, { errors, ops, latencyHistUs: encodeHistogram(latency), lagHistUs: encodeHistogram(lag), latencyMs: { p50: l.p50, p99: l.p99, max: l.max }, lagMs: { p50: g.p50, p99: g.p99, max: g.max } });
  return kept;
}

/** A writer whose outcomes are not kept: ids are still the ledger's layout, unique to this writer. */
function unledgered(writer: LedgerWriter['writer']): LedgerWriter {
  const nothing = async () => {};
  return { writer, beforeSend: () => {}, record: () => {}, flush: nothing, close: nothing, [Symbol.asyncDispose]: nothing };
}
