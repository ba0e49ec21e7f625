import type { ErrorRecord } from '../core/errors.js';
import type { RunManifest } from '../run/manifest.js';
import type { DiffReport } from './diff-report.js';
import { downtimeReason } from './gate.js';
import { stoppedFacts, stoppedSentence, type StoppedHarness } from './stopped-harness.js';

/** One reason behind a verdict, with the severity it weighed in with. */
export interface VerdictReason {
  severity: 'fail' | 'warn' | 'info';
  /** One sentence; an error in it is its record's short message. */
  text: string;
  /** The error behind the reason (the run's or a step's), whose record a renderer may fold under the text. */
  error?: ErrorRecord;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A finding's message can run over lines; a reason lists the first line of each. */
function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** What the run directory could not supply, so that a reason never guesses why. */
export interface VerdictReasonOptions {
  /** Why findings.json, present in the run directory, could not be read. */
  findingsUnreadable?: string;
  /** Other inputs present but unreadable, each as one sentence (`post.snapshot.json is unreadable: …`). */
  unreadable?: string[];
  /** What a run still marked `running` left behind (reports/stopped-harness.ts). */
  stopped?: StoppedHarness;
}

/**
 * Why a run (or a diff) got its verdict, most serious first: what failed, then what only warns,
 * then the reassuring facts when nothing did. Built from what the run directory holds; the order
 * follows how the verdict is decided (an error, a failed step or lost writes, the gate).
 */
export function verdictReasons(run: RunManifest | undefined, diff: DiffReport | undefined, options: VerdictReasonOptions = {}): VerdictReason[] {
  const reasons: VerdictReason[] = [];
  // A run cut short comes first: every figure below covers only what it did before it stopped.
  if (run?.interrupted) reasons.push({ severity: 'fail', text: interruptedReason(run.interrupted) });
  if (options.stopped) {
    reasons.push({ severity: 'fail', text: stoppedSentence(options.stopped) });
    for (const fact of stoppedFacts(options.stopped)) reasons.push({ severity: 'info', text: fact });
  }
  // A record's message is its one line (core/errors.ts): the rest of the record goes with it.
  if (run?.error) reasons.push({ severity: 'fail', text: `The run could not complete: ${run.error.message}`, error: run.error });
  for (const step of run?.steps ?? []) {
    if (step.status === 'failed') reasons.push({ severity: 'fail', text: `Step "${step.name}" failed${step.error ? `: ${step.error.message}` : ''}`, ...(step.error ? { error: step.error } : {}) });
  }
  // No pass without evidence: what the soak failed to show comes right after a crash.
  for (const reason of run?.soak?.evidence?.reasons ?? []) reasons.push({ severity: 'fail', text: `No evidence to pass on: ${reason}` });
  const limit = run?.soak?.downtimeLimit;
  if (limit?.exceeded) reasons.push({ severity: 'fail', text: `The gate failed: ${downtimeReason(limit.downtimeMs, limit.maxDowntimeMs)}` });
  const soak = run?.soak?.summary;
  if (soak) {
    if (soak.lost > 0) reasons.push({ severity: 'fail', text: `${plural(soak.lost, 'acknowledged write')} lost: the final database does not have them` });
    if (soak.unexpected > 0) reasons.push({ severity: 'fail', text: `${plural(soak.unexpected, 'unexpected write')}: present although the client was told it failed, or never sent` });
    if (soak.duplicated > 0) reasons.push({ severity: 'fail', text: `${plural(soak.duplicated, 'write')} present more than once (duplicated)` });
  }
  // A broken input is a warning of its own: the sections that needed it can only say it is missing.
  for (const text of options.unreadable ?? []) reasons.push({ severity: 'warn', text });
  if (diff) {
    const failing = diff.findings.filter((f) => f.gate === 'failing');
    if (failing.length) reasons.push({ severity: 'fail', text: `${plural(failing.length, 'finding')} fail the gate: ${summarise(failing.map((f) => f.message))}` });
    const warnings = diff.findings.filter((f) => f.gate !== 'failing' && f.severity === 'warn');
    if (warnings.length) reasons.push({ severity: 'warn', text: `${plural(warnings.length, 'warning')}: ${summarise(warnings.map((f) => f.message))}` });
  } else if (options.findingsUnreadable !== undefined) {
    // A broken findings.json is not a run that stopped early: say what is wrong with the file.
    reasons.push({ severity: 'warn', text: `No check diff: findings.json is unreadable: ${options.findingsUnreadable}` });
  } else if (run && !run.error && run.verdict !== 'running' && run.method !== 'soak' && run.method !== 'baseline') {
    // A soak (`cutover soak`) or a baseline runs no checks, so it has no diff to miss.
    reasons.push({ severity: 'warn', text: 'No check diff: the run has no pair of snapshots (it stopped before the post-checks)' });
  }
  // A baseline that is invalid says so (its repeats are in the report's Baseline section).
  for (const [label, b] of [['The baseline', run?.baseline], ['The baseline on blue', run?.baselines?.blue], ['The baseline on green', run?.baselines?.green]] as const) {
    if (b && !b.valid) reasons.push({ severity: run?.method === 'baseline' ? 'fail' : 'warn', text: `${label} is invalid: ${b.invalidReason ?? 'a repeat is invalid'}` });
  }
  const late = (run?.steps ?? []).reduce((sum, s) => sum + (s.late ?? 0), 0);
  if (late > 0) reasons.push({ severity: 'info', text: `${plural(late, 'write')} arrived late on green after the switchover (not lost)` });
  if (soak) {
    const outages = soak.outages.length;
    reasons.push({
      severity: 'info',
      text:
        `Clients were down ${soak.downtimeMs.toLocaleString('en-US')} ms in ${plural(outages, 'outage')} (± ${soak.resolutionMs} ms)` +
        `${limit && !limit.exceeded ? `, within the limit of ${limit.maxDowntimeMs.toLocaleString('en-US')} ms` : ''}; ${plural(soak.confirmed, 'write')} confirmed`,
    });
  }
  if (!reasons.some((r) => r.severity !== 'info') && run?.verdict !== 'running') {
    // A soak runs no checks: a clause about findings would be true of nothing.
    const text = !run
      ? 'No finding fails the gate'
      : run.method === 'soak'
        ? 'The soak succeeded and no write was lost'
        : run.method === 'baseline'
          ? `Every repeat of the baseline is valid (${run.baseline?.repeats.length ?? 0})`
          : 'Every step succeeded, no write was lost, and no finding fails the gate';
    reasons.unshift({ severity: 'info', text });
  }
  return reasons;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** "The run was interrupted (SIGINT) at …: the soak ran 3.8 s of the 20.0 s planned". */
function interruptedReason(i: NonNullable<RunManifest['interrupted']>): string {
  const at = i.at.replace('T', ' ').replace('Z', ' UTC');
  const how = i.how === 'killed' ? `The harness was killed; it last recorded something at ${at}` : `The run was interrupted${i.signal ? ` (${i.signal})` : ''} at ${at}`;
  return `${how}: it ran ${seconds(i.actualDurationMs)}${i.plannedDurationMs !== null ? ` of the ${seconds(i.plannedDurationMs)} planned` : ''}`;
}

/** The first three messages, and how many more. */
function summarise(messages: string[]): string {
  const shown = messages.slice(0, 3).map(firstLine).join('; ');
  return messages.length > 3 ? `${shown}; and ${messages.length - 3} more` : shown;
}
