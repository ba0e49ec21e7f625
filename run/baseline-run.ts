import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeEndpoint } from '../core/endpoint.js';
import { CutoverError, errorLine } from '../core/errors.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import { TIMELINE_FILE } from '../load/timeline-writer.js';
import type { BaselineEngineRunner, EngineRepeat } from './baseline-engine.js';
import { repeatFigures } from './baseline-figures.js';
import type { BaselinePlan, BaselineTarget } from './baseline-plan.js';
import type { BaselineRecord, BaselineRepeat } from './baseline-record.js';

export interface RunBaselineOptions {
  runDir: string;
  /** Where the repeats' timelines go, relative to the run directory. Default `baseline`. */
  dir?: string;
  /** Also append every repeat's seconds to the run's timeline.ndjson (a run of `cutover baseline`; not a rehearsal, whose timeline is the soak's). */
  combinedTimeline?: boolean;
  /** One line per repeat, as it ends. */
  log?: (line: string) => void;
  /** Called with the record whenever it changes (to rewrite run.json). */
  onRecord?: (record: BaselineRecord) => void | Promise<void>;
  signal?: AbortSignal;
}

/** A baseline that ran (its record), and the error that stopped it early, if one did. */
export interface BaselineOutcome {
  record: BaselineRecord;
  error?: unknown;
}

/**
 * Runs a baseline: each target set up once, then `plan.repeat` repeats per target, interleaved
 * (a1, b1, a2, b2, …: never all of one side then all of the other, so drift on the machine falls
 * on both). A repeat with errors, aborted clients or no transaction is invalid, and so is the
 * baseline: said, never averaged in. A failure to set up or to reach a server ends the baseline
 * there, marked invalid, with the error returned beside the record.
 */
export async function runBaseline(plan: BaselinePlan, engine: BaselineEngineRunner, targets: readonly BaselineTarget[], o: RunBaselineOptions): Promise<BaselineOutcome> {
  const dir = o.dir ?? 'baseline';
  const record = newBaselineRecord(plan, engine);
  const save = async () => o.onRecord?.(record);
  const fail = async (error: unknown): Promise<BaselineOutcome> => {
    record.valid = false;
    record.invalidReason = `could not complete: ${errorLine(error)}`;
    await save();
    return { record, error };
  };
  await save();
  for (const target of targets) {
    try {
      await engine.prepare(target);
    } catch (error) {
      return fail(error);
    }
    if (engine.scale !== undefined) record.scale = engine.scale;
  }
  const total = plan.repeat * targets.length;
  let index = 0;
  for (let n = 1; n <= plan.repeat; n++) {
    for (const target of targets) {
      if (o.signal?.aborted) return fail(new CutoverError('interrupted', 'interrupted'));
      index++;
      let ran: EngineRepeat;
      try {
        ran = await engine.repeat(target);
      } catch (error) {
        return fail(error);
      }
      const timeline = join(dir, `${target.side}-${n}.timeline.ndjson`);
      await writeTimeline(join(o.runDir, timeline), ran.buckets);
      if (o.combinedTimeline) await appendFile(join(o.runDir, TIMELINE_FILE), ndjson(ran.buckets));
      const repeat = toRepeat(index, target, ran, timeline, plan);
      record.repeats.push(repeat);
      if (!repeat.valid && record.valid) {
        record.valid = false;
        record.invalidReason = `repeat ${target.side}${n} is invalid: ${repeat.invalidReason ?? ''}`;
      }
      await save();
      o.log?.(progressLine(repeat, n, index, total));
      // A server that went away (nothing completed) takes the baseline with it.
      if (!repeat.valid && repeat.transactions === 0 && ran.problems.some((p) => /connection|terminat|backend died|server closed/i.test(p))) {
        return fail(new CutoverError('connect', `${repeat.server} went away during repeat ${target.side}${n}: ${ran.problems[0] ?? 'no transaction completed'}`));
      }
    }
  }
  return { record };
}

/** A baseline's record before its first repeat: how it runs, no repeat yet, valid until one is not. */
export function newBaselineRecord(plan: BaselinePlan, engine?: Pick<BaselineEngineRunner, 'scripts' | 'version'>): BaselineRecord {
  return {
    engine: plan.engine,
    workload: plan.load.kind === 'workload' ? plan.load.label : plan.load.scripts.map((s) => (s.kind === 'builtin' ? `builtin:${s.name}` : s.name)).join(', '),
    ...(engine?.scripts ? { scripts: engine.scripts } : {}),
    rate: plan.rate,
    clients: plan.clients,
    durationMs: plan.durationMs,
    warmupMs: plan.warmupMs,
    repeat: plan.repeat,
    ...(engine?.version ? { engineVersion: engine.version } : {}),
    schema: plan.schema,
    repeats: [],
    valid: true,
  };
}

function toRepeat(index: number, target: BaselineTarget, ran: EngineRepeat, timeline: string, plan: BaselinePlan): BaselineRepeat {
  const f = repeatFigures(ran.buckets);
  const reasons: string[] = [];
  if (ran.abortedClients) reasons.push(`${ran.abortedClients} client(s) aborted${ran.problems[0] ? `: ${ran.problems[0]}` : ''}`);
  if (ran.failed) reasons.push(`${ran.failed} failed transaction(s)`);
  if (!reasons.length && ran.problems.length) reasons.push(ran.problems[0] ?? '');
  if (f.transactions === 0) reasons.push('no transaction completed in the steady seconds');
  return {
    index,
    side: target.side,
    server: describeEndpoint(target.endpoint),
    startedAt: new Date(ran.startedAt).toISOString(),
    endedAt: new Date(ran.endedAt).toISOString(),
    durationMs: f.spanMs,
    transactions: f.transactions,
    errors: Math.max(ran.failed, f.errors),
    abortedClients: ran.abortedClients,
    tps: f.tps,
    latencyMs: f.latencyMs,
    ...(plan.rate !== null ? { lagMs: f.lagMs } : {}),
    valid: reasons.length === 0,
    ...(reasons.length ? { invalidReason: reasons.join('; ') } : {}),
    timeline,
  };
}

/** `baseline a1 (1/6): 200.4 tps, p50 0.41 ms, p99 1.20 ms, 0 errors` (or why the repeat is invalid). */
export function progressLine(r: BaselineRepeat, n: number, index: number, total: number): string {
  const figures = `${r.tps.toFixed(1)} tps, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms${r.lagMs ? `, lag p99 ${r.lagMs.p99.toFixed(2)} ms` : ''}, ${r.errors} error${r.errors === 1 ? '' : 's'}`;
  return `baseline ${r.side}${n} (${index}/${total}) on ${r.server}: ${figures}${r.valid ? '' : `; INVALID: ${r.invalidReason ?? ''}`}`;
}

function ndjson(buckets: readonly TimelineBucket[]): string {
  return buckets.map((b) => `${JSON.stringify(b)}\n`).join('');
}

async function writeTimeline(path: string, buckets: readonly TimelineBucket[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, ndjson(buckets));
}
