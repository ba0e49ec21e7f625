import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { CutoverError } from '../../core/errors.js';

/** How one logged transaction ended: pgbench writes a latency, or a word in its place. */
export type PgbenchStatus = 'ok' | 'failed' | 'skipped' | 'serialization' | 'deadlock';

/** One line of pgbench's per-transaction log (`-l`). */
export interface PgbenchTransaction {
  client: number;
  /** 0-based, in the order the scripts were given (`-f`/`-b`). */
  script: number;
  status: PgbenchStatus;
  /** From the scheduled start (`--rate`) or the start, to completion; absent unless ok. */
  latencyUs?: number;
  /** Completion, epoch microseconds. */
  endUs: number;
  /** `--rate`: the start minus the scheduled start. */
  lagUs?: number;
}

const WORDS = new Set<PgbenchStatus>(['failed', 'skipped', 'serialization', 'deadlock']);

/**
 * Parses one log line: `client_id transaction_no time script_no time_epoch time_us
 * [schedule_lag] [retries]` (PostgreSQL 15+ writes `failed`, `serialization` or `deadlock` in
 * `time` for a failed transaction, `skipped` for one past --latency-limit). `hasLag` says whether
 * the run had `--rate` (the seventh field is then the lag, else the retries).
 */
export function parseLogLine(line: string, hasLag: boolean): PgbenchTransaction | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 6) return undefined;
  const [client, , time, script, epoch, us, lag] = f;
  const status: PgbenchStatus = WORDS.has(time as PgbenchStatus) ? (time as PgbenchStatus) : 'ok';
  const n = (s: string | undefined) => Number(s);
  if (![client, script, epoch, us].every((s) => /^\d+$/.test(s ?? '')) || (status === 'ok' && !/^\d+$/.test(time ?? ''))) return undefined;
  return {
    client: n(client),
    script: n(script),
    status,
    ...(status === 'ok' ? { latencyUs: n(time) } : {}),
    endUs: n(epoch) * 1_000_000 + n(us),
    ...(hasLag && lag !== undefined && /^\d+$/.test(lag) ? { lagUs: n(lag) } : {}),
  };
}

/**
 * The transactions of pgbench's log files (one per thread), streamed in file order: memory does
 * not grow with the run. Lines that are not transactions (a pgbench killed mid-write leaves its
 * last one cut short) are counted in `malformed.count`.
 */
export async function* readPgbenchLogs(files: readonly string[], hasLag: boolean, malformed: { count: number } = { count: 0 }): AsyncGenerator<PgbenchTransaction> {
  for (const file of files) {
    let lines: AsyncIterable<string>;
    try {
      lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    } catch (error) {
      throw new CutoverError('input', `cannot read pgbench's log ${file}: ${(error as Error).message}`, { cause: error });
    }
    for await (const line of lines) {
      if (!line.trim()) continue;
      const t = parseLogLine(line, hasLag);
      if (t) yield t;
      else malformed.count++;
    }
  }
}
