import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManifest } from '../run/manifest.js';
import { readLedgers } from '../load/ledger-reader.js';
import { ledgerDir } from '../load/ledger-format.js';
import { readTimeline, summariseWindow } from '../load/timeline-reader.js';
import { TIMELINE_FILE } from '../load/timeline-writer.js';
import type { ErrorClass } from '../load/error-class.js';
import { escapeHtml as h } from './escape.js';

/**
 * What a run whose harness stopped without finishing (run.json still says `running`) left behind:
 * when it last recorded something, and what its timeline and ledger hold. Read from files only,
 * so the report of a killed soak tells what happened instead of "no soak ran".
 */
export interface StoppedHarness {
  /** The last thing the harness recorded (the end of the timeline's last second, else the run's start), epoch ms. */
  lastRecordedAt: number;
  timeline?: { seconds: number; from: number; to: number; attempts: number; ok: number; failed: number; errors: Partial<Record<ErrorClass, number>> };
  ledger?: { writers: number; notClosed: number; ok: number; error: number; unknown: number };
  /** Files that were there but could not be read, with the reason. */
  unreadable: string[];
}

/** Reads what a `running` run left; undefined for a run that finished (its record says the rest). */
export async function readStoppedHarness(runDir: string, run: RunManifest): Promise<StoppedHarness | undefined> {
  if (run.verdict !== 'running') return undefined;
  const stopped: StoppedHarness = { lastRecordedAt: Date.parse(run.startedAt), unreadable: [] };
  if (existsSync(join(runDir, TIMELINE_FILE))) {
    try {
      const buckets = await readTimeline(join(runDir, TIMELINE_FILE));
      const last = buckets[buckets.length - 1];
      if (last) {
        const w = summariseWindow(buckets);
        stopped.timeline = { seconds: buckets.length, from: w.from, to: w.to, attempts: w.attempts, ok: w.ok, failed: w.failed, errors: w.errors };
        stopped.lastRecordedAt = Math.max(stopped.lastRecordedAt, last.t + last.spanMs);
      }
    } catch (error) {
      stopped.unreadable.push(`${TIMELINE_FILE}: ${(error as Error).message}`);
    }
  }
  if (existsSync(ledgerDir(runDir))) {
    try {
      const ledgers = await readLedgers(ledgerDir(runDir));
      const figures = { writers: ledgers.length, notClosed: 0, ok: 0, error: 0, unknown: 0 };
      for (const l of ledgers) {
        if (!l.closed) figures.notClosed++;
        let last = -1;
        for (const [from, to] of l.okRanges) {
          figures.ok += to - from + 1;
          last = Math.max(last, to);
        }
        for (const e of l.exceptions) {
          if (e.outcome === 'error') figures.error++;
          else figures.unknown++;
          last = Math.max(last, e.seq);
        }
        // Reserved before sending, never recorded: they may have been sent, so they are unknown.
        if (l.reservedThrough > last) figures.unknown += l.reservedThrough - last;
      }
      stopped.ledger = figures;
    } catch (error) {
      stopped.unreadable.push(`ledger/: ${(error as Error).message}`);
    }
  }
  return stopped;
}

const n = (x: number) => x.toLocaleString('en-US');
const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');

/** "The harness stopped at … (the last thing it recorded), without finishing the run", for the intro and the reasons. */
export function stoppedSentence(s: StoppedHarness): string {
  return `The harness stopped at ${time(s.lastRecordedAt)} (the last thing it recorded) without finishing the run: it was killed, or is still running.`;
}

/** What the timeline and the ledger hold, one sentence each. */
export function stoppedFacts(s: StoppedHarness): string[] {
  const facts: string[] = [];
  const t = s.timeline;
  if (t) {
    const classes = Object.entries(t.errors)
      .filter(([, c]) => (c ?? 0) > 0)
      .map(([k, c]) => `${k} ${n(c ?? 0)}`)
      .join(', ');
    facts.push(`The timeline holds ${n(t.seconds)} second${t.seconds === 1 ? '' : 's'} of load (${time(t.from)} to ${time(t.to)}): ${n(t.attempts)} attempts, ${n(t.ok)} ok, ${n(t.failed)} failed${classes ? ` (${classes})` : ''}.`);
  }
  const l = s.ledger;
  if (l) {
    facts.push(
      `The ledger holds ${n(l.ok + l.error + l.unknown)} ledgered attempts of ${n(l.writers)} writer${l.writers === 1 ? '' : 's'} (${n(l.notClosed)} not closed): ${n(l.ok)} acknowledged, ${n(l.error)} failed, ${n(l.unknown)} with an unknown outcome; ` +
        'not verified: `cutover verify --run-dir DIR --db URL --record` sorts them against the database and records the result here.',
    );
  }
  if (!t && !l) facts.push('Neither a timeline nor a ledger was written: the harness stopped before the load started.');
  for (const u of s.unreadable) facts.push(`Unreadable: ${u}.`);
  return facts;
}

/** The section of a stopped run's page: when it stopped and what it left. */
export function stoppedHarnessHtml(s: StoppedHarness): string {
  return `<h2 id="stopped">What the harness recorded</h2>
<p>${h(stoppedSentence(s))}</p>
<ul>
${stoppedFacts(s)
  .map((f) => `<li>${h(f)}</li>`)
  .join('\n')}
</ul>`;
}
