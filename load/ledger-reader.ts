import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { WriterLedger } from './ledger-types.js';
import { LEDGER_FORMAT_VERSION, parseHeader, parseRecord, writerKeyOfFile } from './ledger-format.js';

/** One writer's ledger as read from disk, with where it came from and how it ended. */
export interface ReadLedger extends WriterLedger {
  /** The run named in the header ('' when the header itself was lost). */
  run: string;
  file: string;
  /**
   * True when the file ended in a partial or unreadable record (the harness died mid-write):
   * everything before it was used, and the reservation covers the rest.
   */
  torn: boolean;
}

/**
 * Reads every writer's ledger in a ledger directory (`<runDir>/ledger`), in writer-key order.
 * A missing directory is an input error: there is nothing to verify.
 */
export async function readLedgers(dir: string): Promise<ReadLedger[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new CutoverError('input', `ledger directory ${dir} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const files = names
    .map((name) => ({ name, key: writerKeyOfFile(name) }))
    .filter((f): f is { name: string; key: number } => f.key !== undefined)
    .sort((a, b) => a.key - b.key);
  const ledgers: ReadLedger[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    ledgers.push(parseLedger(await readFile(path, 'utf8'), path, f.key));
  }
  return ledgers;
}

/**
 * Parses one ledger file. Only complete lines (ending in a newline) that parse are used; the
 * first line that does not ends the readable part (a torn write, or garbage after a machine
 * crash), and the attempts it would have described fall under the reservation as unknown.
 */
export function parseLedger(text: string, file: string, keyFromName?: number): ReadLedger {
  const lines = text.split('\n');
  // The last element is what follows the last newline: a torn record when not empty.
  const partial = lines.pop() ?? '';
  let torn = partial !== '';
  const header = lines.length > 0 ? parseHeader(lines[0] ?? '') : undefined;
  if (header && header.version !== LEDGER_FORMAT_VERSION) {
    throw new CutoverError('input', `${file}: ledger format version ${header.version} is not supported (this cutover reads version ${LEDGER_FORMAT_VERSION})`);
  }
  const writerKey = header?.writerKey ?? keyFromName;
  if (writerKey === undefined) throw new CutoverError('input', `${file}: not a cutover ledger (no header)`);
  if (keyFromName !== undefined && header && header.writerKey !== keyFromName) {
    throw new CutoverError('input', `${file}: header names writer ${header.writerKey}, the file name writer ${keyFromName}`);
  }
  const ledger: ReadLedger = {
    writer: { writerKey, label: header?.label ?? '' },
    run: header?.run ?? '',
    file,
    okRanges: [],
    exceptions: [],
    reservedThrough: -1,
    closed: false,
    torn,
  };
  if (!header) {
    // The header is written and synced before any attempt can be sent: no attempts to account for.
    ledger.torn = lines.length > 0 || torn;
    return ledger;
  }
  let attempts = -1;
  for (let i = 1; i < lines.length; i++) {
    const record = parseRecord(lines[i] ?? '');
    if (!record || ledger.closed) {
      torn = true;
      break;
    }
    switch (record.type) {
      case 'ok':
        addOkRange(ledger.okRanges, record.from, record.from + record.count - 1);
        break;
      case 'exception':
        ledger.exceptions.push(record.attempt);
        break;
      case 'reserve':
        ledger.reservedThrough = Math.max(ledger.reservedThrough, record.through);
        break;
      case 'closed':
        ledger.closed = true;
        attempts = record.attempts;
        break;
    }
  }
  ledger.torn = torn;
  if (ledger.closed) {
    // A clean close recorded every attempt; reserved seqs past the last one were never sent.
    ledger.reservedThrough = Math.min(ledger.reservedThrough, Math.max(attempts - 1, lastRecorded(ledger)));
  }
  return ledger;
}

/** Appends [from, to] to sorted ranges, merging it with the last one when they touch. */
function addOkRange(ranges: [number, number][], from: number, to: number): void {
  const last = ranges[ranges.length - 1];
  if (last && from === last[1] + 1) last[1] = to;
  else ranges.push([from, to]);
}

/** The highest seq with a recorded outcome, -1 when none. */
export function lastRecorded(ledger: Pick<WriterLedger, 'okRanges' | 'exceptions'>): number {
  let last = -1;
  for (const [, to] of ledger.okRanges) last = Math.max(last, to);
  for (const e of ledger.exceptions) last = Math.max(last, e.seq);
  return last;
}
