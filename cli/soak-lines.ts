import { describeWriterChange, type WriterChange } from '../load/writer-changes.js';
import type { Downtime } from '../load/analysis/combine-lanes.js';
import type { SoakSummary } from '../load/analysis/soak-summary.js';
import type { LiveLaneState } from '../load/analysis/lane-tracker.js';
import type { DriverResult } from '../load/driver/index.js';
import type { TimelineBucket } from '../load/timeline-types.js';
import { mergeHistograms, summariseHistogram } from '../load/latency-histogram.js';
import type { Style } from './io.js';
import type { ErrorClass } from '../load/error-class.js';
import type { ErrorMessages, ErrorSample } from '../load/error-samples.js';
import type { SoakEvidence } from '../load/analysis/soak-evidence.js';
import { downtimeReason } from '../reports/gate.js';
import type { InterruptionRecord } from '../run/manifest.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x >= 100 ? n(x) : x.toFixed(1).replace(/\.0$/, ''));

/** "hh:mm:ss.mmm" in UTC, for windows on one line. */
function clock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 23);
}

function classes(errors: Partial<Record<string, number>>): string {
  return Object.entries(errors)
    .filter(([, c]) => (c ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, c]) => `${k} ${n(c ?? 0)}`)
    .join(', ');
}

/**
 * One progress line over the last seconds of load: achieved rate, ok, errors by class, p99
 * latency, and the outage under way (from the live analysis, so it shows at once).
 */
export function progressLine(buckets: readonly TimelineBucket[], live: LiveLaneState, now: number): string {
  const span = buckets.reduce((s, b) => s + b.spanMs, 0) || 1;
  const attempts = buckets.reduce((s, b) => s + b.attempts, 0);
  const ok = buckets.reduce((s, b) => s + b.ok, 0);
  const errors: Record<string, number> = {};
  for (const b of buckets) for (const [k, c] of Object.entries(b.errors)) errors[k] = (errors[k] ?? 0) + (c ?? 0);
  const failed = Object.values(errors).reduce((s, c) => s + c, 0);
  const p99 = summariseHistogram(mergeHistograms(buckets.map((b) => b.latencyHistUs))).p99;
  const second = buckets[buckets.length - 1]?.second ?? 0;
  const outage = live.outageSince !== undefined ? `OUTAGE for ${ms(now - live.outageSince)} ms` : 'no outage';
  return `soak ${second + 1} s: ${n((attempts * 1000) / span)}/s, ${n(ok)} ok, ${n(failed)} errors${failed ? ` (${classes(errors)})` : ''}, p99 ${ms(p99)} ms, ${outage}`;
}

/** The load's line of the final summary (soak only: verify has no driver figures). */
export function loadLine(d: Pick<DriverResult, 'attempts' | 'durationMs' | 'ok' | 'failed' | 'abandoned' | 'latencyMs' | 'lagMs'>): string {
  const rate = d.durationMs > 0 ? (d.attempts * 1000) / d.durationMs : 0;
  return (
    `load: ${n(d.attempts)} attempts in ${(d.durationMs / 1000).toFixed(1)} s (${n(rate)}/s achieved), ${n(d.ok)} ok, ${n(d.failed)} failed` +
    `${d.abandoned ? `, ${n(d.abandoned)} cut at the drain deadline` : ''}; latency p99 ${ms(d.latencyMs.p99)} ms, schedule lag p99 ${ms(d.lagMs.p99)} ms`
  );
}

/** What a soak knows beyond the ledger: its errors with their words, the evidence rules, the downtime limit. */
export interface SoakJudgement {
  /** The load's failures by class and their messages (the driver's), then the probe's. */
  errors?: { errors: Partial<Record<ErrorClass, number>>; errorMessages?: ErrorMessages };
  probeErrors?: { errors: Partial<Record<ErrorClass, number>>; errorMessages?: ErrorMessages };
  evidence?: SoakEvidence;
  downtimeLimit?: { maxDowntimeMs: number; downtimeMs: number; exceeded: boolean };
  /** The servers the load ran on and where its writer changed (run.json's soak.writerServers). */
  writerServers?: { seen: string[]; changes: WriterChange[] };
  /** The run was stopped before its plan (Ctrl-C, a killed harness): its result says so first. */
  interrupted?: Pick<InterruptionRecord, 'how' | 'signal' | 'plannedDurationMs' | 'actualDurationMs'>;
}

const seconds = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;

/** "interrupted (SIGINT) after 3.8 s of the 20.0 s planned", for the summary and stderr. */
export function interruptedText(i: NonNullable<SoakJudgement['interrupted']>): string {
  const how = i.how === 'killed' ? 'the harness was killed' : `interrupted${i.signal ? ` (${i.signal})` : ''}`;
  return `${how} after ${seconds(i.actualDurationMs)}${i.plannedDurationMs !== null ? ` of the ${seconds(i.plannedDurationMs)} planned` : ''}`;
}

/** "sqlstate 42501: permission denied for table events" for a line; the class when it says no more. */
export function sampleLine(s: Pick<ErrorSample, 'errorClass' | 'sqlState' | 'message'>): string {
  return `${s.errorClass}${s.sqlState && !s.errorClass.endsWith(s.sqlState) ? ` (SQLSTATE ${s.sqlState})` : ''}: ${s.message}`;
}

/**
 * The failures of a lane by class, most frequent first, each with its distinct messages (count
 * and first time seen): a class alone, `other` above all, never tells a user why.
 */
export function errorLines(title: string, lane: NonNullable<SoakJudgement['errors']>): string[] {
  const classes = Object.entries(lane.errors)
    .filter(([, c]) => (c ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  if (classes.length === 0) return [];
  const total = classes.reduce((t, [, c]) => t + (c ?? 0), 0);
  const lines = [`${title}: ${n(total)} failed attempt${total === 1 ? '' : 's'} by class and message`];
  const samples = lane.errorMessages?.samples ?? [];
  for (const [cls, count] of classes) {
    lines.push(`  ${cls} ${n(count ?? 0)}`);
    for (const s of samples.filter((x) => x.errorClass === cls)) {
      lines.push(`    ${n(s.count)}× ${s.sqlState ? `SQLSTATE ${s.sqlState} ` : ''}${s.message} (first ${clock(Date.parse(s.firstSeen))} UTC)`);
    }
    const left = lane.errorMessages?.unsampled[cls as ErrorClass] ?? 0;
    if (left > 0) lines.push(`    … ${n(left)} more with other messages (not kept)`);
  }
  return lines;
}

/**
 * The concise summary of `cutover soak` and `cutover verify`: the ledger's verdicts, the downtime
 * with its resolution and source, each outage, the degraded windows, the errors with their words,
 * and the result (ERROR when the soak has no evidence to pass on, FAIL over the downtime limit).
 */
export function summaryLines(s: SoakSummary, downtime: Pick<Downtime, 'note' | 'degraded'>, degradedThresholdMs: number, style: Style, judgement: SoakJudgement = {}): string[] {
  const lines: string[] = [];
  const bad = (x: number) => (x > 0 ? style.red(n(x)) : n(x));
  lines.push(
    `ledger: ${n(s.attempts)} ledgered attempts: ${n(s.confirmed)} confirmed, ${bad(s.lost)} lost, ${n(s.recovered)} recovered, ${n(s.notCommitted)} not committed, ${n(s.failed)} failed as the client was told, ${bad(s.unexpected)} unexpected, ${bad(s.duplicated)} duplicated`,
  );
  const count = s.outages.length;
  const limit = judgement.downtimeLimit;
  lines.push(`downtime: ${n(s.downtimeMs)} ms in ${count} outage${count === 1 ? '' : 's'} (${downtime.note})${limit ? `; limit ${n(limit.maxDowntimeMs)} ms` : ''}`);
  for (const o of s.outages.slice(0, 20)) {
    const cls = classes(o.errorClasses);
    lines.push(`  ${clock(Date.parse(o.start))} -> ${clock(Date.parse(o.end))} UTC  ${n(o.durationMs)} ms, ${n(o.failedAttempts)} failed attempts${cls ? `: ${cls}` : ''}`);
  }
  if (count > 20) lines.push(`  … and ${count - 20} more (see run.json)`);
  const servers = judgement.writerServers;
  if (servers && servers.changes.length === 0) lines.push(`writer: ${servers.seen.join(', ')} throughout`);
  for (const c of servers?.changes ?? []) lines.push(`${describeWriterChange(c)} (${clock(Date.parse(c.at))} UTC)`);
  if (downtime.degraded.length === 0) {
    lines.push(`degraded: none (no success slower than ${n(degradedThresholdMs)} ms without errors)`);
  } else {
    const total = downtime.degraded.reduce((t, w) => t + w.durationMs, 0);
    lines.push(`degraded: ${n(total)} ms in ${downtime.degraded.length} window${downtime.degraded.length === 1 ? '' : 's'} slower than ${n(degradedThresholdMs)} ms without errors`);
    for (const w of downtime.degraded.slice(0, 10)) {
      lines.push(`  ${clock(w.start)} -> ${clock(w.end)} UTC  ${n(w.durationMs)} ms, ${n(w.slowAttempts)} slow successes, slowest ${n(w.maxLatencyMs)} ms`);
    }
  }
  if (judgement.errors) lines.push(...errorLines('errors', judgement.errors));
  if (judgement.probeErrors) lines.push(...errorLines('probe errors', judgement.probeErrors));
  const evidence = judgement.evidence;
  const passed = s.lost === 0 && s.unexpected === 0 && s.duplicated === 0;
  const figures = [s.lost && `${n(s.lost)} lost`, s.unexpected && `${n(s.unexpected)} unexpected`, s.duplicated && `${n(s.duplicated)} duplicated`].filter(Boolean).join(', ');
  if (judgement.interrupted) {
    // Whatever the ledger shows, a soak cut short is not the soak that was asked for.
    lines.push(`result: ${style.red('INTERRUPTED')}: ${interruptedText(judgement.interrupted)}; ${passed ? 'nothing lost, unexpected or duplicated in what it wrote' : figures}`);
  } else if (evidence && !evidence.passed) {
    lines.push(`result: ${style.red('ERROR')}: no evidence to pass on: ${evidence.reasons.join('; ')}`);
  } else if (!passed) {
    lines.push(`result: ${style.red('FAIL')}: ${figures}`);
  } else if (limit?.exceeded) {
    lines.push(`result: ${style.red('FAIL')}: ${downtimeReason(limit.downtimeMs, limit.maxDowntimeMs)}`);
  } else {
    lines.push(`result: ${style.green('PASS')}: nothing lost, unexpected or duplicated`);
  }
  return lines;
}
