import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LaneAnalysis, LaneName, LaneWindow } from './lane-tracker.js';

/** File of the run directory holding every settled window, one JSON object a line. */
export const WINDOWS_FILE = 'windows.ndjson';

/** A lane's closing line: written when the lane finished, absent after a crash. */
export interface LaneEnd {
  kind: 'end';
  lane: LaneName;
  attempts: number;
  ok: number;
  failed: number;
  outOfOrder: number;
}

export type WindowLogLine = (LaneWindow & { lane: LaneName }) | LaneEnd;

/**
 * Appends windows to `windows.ndjson` as they settle, so a run killed mid-soak keeps every
 * outage that ended before the crash. Windows are rare (one line per outage or stall), so a
 * synchronous append keeps the lines whole and in order at no measurable cost.
 */
export class WindowLog {
  readonly path: string;

  constructor(runDir: string) {
    this.path = join(runDir, WINDOWS_FILE);
  }

  append(lane: LaneName, window: LaneWindow): void {
    appendFileSync(this.path, `${JSON.stringify({ lane, ...window })}\n`);
  }

  /** Marks the lane finished, with its counters. */
  end(analysis: LaneAnalysis): void {
    const line: LaneEnd = { kind: 'end', lane: analysis.lane, attempts: analysis.attempts, ok: analysis.ok, failed: analysis.failed, outOfOrder: analysis.outOfOrder };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }
}

/** Reads `windows.ndjson`; a torn last line (a crash mid-write) is ignored. Empty when absent. */
export async function readWindowLog(runDir: string): Promise<WindowLogLine[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, WINDOWS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines: WindowLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const value = JSON.parse(raw) as WindowLogLine;
      if (value && typeof value === 'object' && (value.lane === 'driver' || value.lane === 'probe')) lines.push(value);
    } catch {
      // A line cut short by a crash: everything before it is intact.
    }
  }
  return lines;
}
