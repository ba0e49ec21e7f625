import { open, rename, rm } from 'node:fs/promises';
import { CutoverError } from '../core/errors.js';
import { ledgerId, splitLedgerId, type WriterLedger } from './ledger-types.js';
import { lastRecorded } from './ledger-reader.js';
import type { SeqClock } from './analysis/seq-clock.js';
import type { FlaggedSeqs } from './verify-tally.js';

/** The run directory's file naming each flagged id (docs/ledger-format.md, "Flagged ids"). */
export const FLAGGED_IDS_FILE = 'flagged-ids.ndjson';

export type FlaggedClass = 'lost' | 'unexpected' | 'duplicated' | 'late';

/** The classes in the order the file lists them. */
export const FLAGGED_CLASSES: readonly FlaggedClass[] = ['lost', 'unexpected', 'duplicated', 'late'];

/** One line of the file. */
export interface FlaggedIdLine {
  class: FlaggedClass;
  /** The writer's label (driver, host, pid). */
  writer: string;
  writerKey: number;
  /** The ledger id as a decimal string: an int8 exceeds JSON's exact integers. */
  id: string;
  /** When the attempt was due, ISO 8601; null for an id the writer never attempted. */
  dueAt: string | null;
  /** The step whose span holds the due time; null when no step's does. */
  step: string | null;
}

/** A step's name and span, epoch ms. */
export interface NamedSpan {
  name: string;
  startedAt: number;
  endedAt: number;
  /** Lost ids this step claims whenever they were due (a promotion's: see StepSpan.claimedLost). */
  claimedLost?: ReadonlySet<string>;
}

export interface FlaggedIdsInput {
  /** Every flagged seq per writer (`LedgerVerification.flagged`). */
  flagged: readonly FlaggedSeqs[];
  /** The run's ledgers: writer labels, exact due times of non-ok attempts, what was attempted. */
  ledgers: readonly WriterLedger[];
  /** Due times of ok attempts (a lost id is one), to within its anchors' spacing. */
  clock: SeqClock;
  /** The steps an id is attributed to, by its due time; the first whose span holds it wins. */
  steps: readonly NamedSpan[];
  /** Ids missing at a switchover's resume point that arrived by the end (a scenario run only). */
  late?: readonly bigint[];
}

export type FlaggedCounts = Record<FlaggedClass, number>;

/**
 * Every lost, unexpected, duplicated and late id, one line each: by class, then writer key, then
 * id. A generator, so that a soak that lost millions of ids is written without holding them.
 */
export function* flaggedIdLines(input: FlaggedIdsInput): Generator<FlaggedIdLine> {
  const writers = new Map(input.ledgers.map((l) => [l.writer.writerKey, writerFacts(l)]));
  const line = (cls: FlaggedClass, writerKey: number, seq: number): FlaggedIdLine => {
    const facts = writers.get(writerKey);
    const due = facts && seq <= facts.lastAttempted ? (facts.exactDue.get(seq) ?? input.clock.dueAt(writerKey, seq)) : undefined;
    const at = due === undefined ? undefined : Math.round(due);
    const id = ledgerId(writerKey, seq).toString();
    const claimant = cls === 'lost' ? input.steps.find((s) => s.claimedLost?.has(id)) : undefined;
    return {
      class: cls,
      writer: facts?.label ?? '',
      writerKey,
      id,
      dueAt: at === undefined ? null : new Date(at).toISOString(),
      step: claimant ? claimant.name : at === undefined ? null : (input.steps.find((s) => at >= s.startedAt && at <= s.endedAt)?.name ?? null),
    };
  };
  const byKey = [...input.flagged].sort((a, b) => a.writerKey - b.writerKey);
  for (const cls of ['lost', 'unexpected', 'duplicated'] as const) {
    for (const f of byKey) for (const [from, to] of f[cls].ranges()) for (let seq = from; seq <= to; seq++) yield line(cls, f.writerKey, seq);
  }
  const late = [...(input.late ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const id of late) {
    const { writerKey, seq } = splitLedgerId(id);
    yield line('late', writerKey, seq);
  }
}

/** How many lines of each class `flaggedIdLines` gives, without walking them. */
export function flaggedCounts(input: Pick<FlaggedIdsInput, 'flagged' | 'late'>): FlaggedCounts {
  const counts: FlaggedCounts = { lost: 0, unexpected: 0, duplicated: 0, late: input.late?.length ?? 0 };
  for (const f of input.flagged) for (const cls of ['lost', 'unexpected', 'duplicated'] as const) counts[cls] += f[cls].size;
  return counts;
}

/** Bytes gathered before each write: few system calls, bounded memory. */
const CHUNK = 1 << 16;

/**
 * Writes the file at `path` (a temporary file, then a rename, so a reader never sees half of it)
 * and returns how many ids of each class it names.
 */
export async function writeFlaggedIds(path: string, input: FlaggedIdsInput): Promise<FlaggedCounts> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const file = await open(tmp, 'w');
    try {
      let chunk = '';
      for (const l of flaggedIdLines(input)) {
        chunk += `${JSON.stringify(l)}\n`;
        if (chunk.length >= CHUNK) {
          await file.write(chunk);
          chunk = '';
        }
      }
      if (chunk) await file.write(chunk);
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new CutoverError('internal', `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  return flaggedCounts(input);
}

/** What the lines need of one writer's ledger. */
function writerFacts(l: WriterLedger): { label: string; exactDue: Map<number, number>; lastAttempted: number } {
  return {
    label: l.writer.label,
    // Error and unknown attempts carry their exact due time; only ok ones need the clock.
    exactDue: new Map(l.exceptions.map((e) => [e.seq, e.dueAt])),
    // Seqs above this were never sent: such an id in the database has no due time.
    lastAttempted: Math.max(l.reservedThrough, lastRecorded(l)),
  };
}
