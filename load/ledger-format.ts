import { join } from 'node:path';
import type { ExceptionalAttempt } from './ledger-types.js';

/**
 * The ledger's on-disk format, version 1 (docs/ledger-format.md): one text file per writer,
 * one record a line, written only by appending. The writer and the reader share these encoders
 * so the format lives in one place.
 */
export const LEDGER_FORMAT_VERSION = 1;

/** First word of every ledger file: lets a reader refuse a file that is not a ledger. */
export const LEDGER_MAGIC = 'cutover-ledger';

/** The ledger directory of a run directory. */
export function ledgerDir(runDir: string): string {
  return join(runDir, 'ledger');
}

/** The file one writer appends to. */
export function ledgerFileName(writerKey: number): string {
  return `writer-${writerKey}.ledger`;
}

/** The writer key a ledger file name carries, or undefined for another file. */
export function writerKeyOfFile(name: string): number | undefined {
  const m = /^writer-(\d+)\.ledger$/.exec(name);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** What the header line says about the writer and the run. */
export interface LedgerHeader {
  version: number;
  writerKey: number;
  label: string;
  run: string;
}

export function headerLine(header: Omit<LedgerHeader, 'version'>): string {
  const body = JSON.stringify({ run: header.run, writerKey: header.writerKey, label: header.label });
  return `${LEDGER_MAGIC} ${LEDGER_FORMAT_VERSION} ${body}\n`;
}

/** One parsed record line (the header excluded). */
export type LedgerRecord =
  | { type: 'ok'; from: number; count: number }
  | { type: 'exception'; attempt: ExceptionalAttempt }
  | { type: 'reserve'; through: number }
  | { type: 'closed'; attempts: number };

/** A run of `count` consecutive seqs from `from` that all ended ok. */
export function okLine(from: number, count: number): string {
  return `R ${from} ${count}\n`;
}

/** An attempt that did not end ok; completion is written as the latency after the due time. */
export function exceptionLine(a: ExceptionalAttempt): string {
  const due = Math.round(a.dueAt);
  const latency = Math.max(0, Math.round(a.completedAt) - due);
  return `${a.outcome === 'error' ? 'E' : 'U'} ${a.seq} ${due} ${latency} ${errorClassToken(a.errorClass)}\n`;
}

export function reserveLine(through: number): string {
  return `reserve ${through}\n`;
}

export function closedLine(attempts: number): string {
  return `closed ${attempts}\n`;
}

/** Error classes are single tokens on disk; anything else a driver invents is made one. */
function errorClassToken(errorClass: string): string {
  const token = errorClass.replace(/\s+/g, '_');
  return token === '' ? 'other' : token;
}

const UINT = /^\d{1,16}$/;

function uint(text: string | undefined): number | undefined {
  return text !== undefined && UINT.test(text) ? Number(text) : undefined;
}

/** Parses one complete record line (without its newline); undefined when it is malformed. */
export function parseRecord(line: string): LedgerRecord | undefined {
  const parts = line.split(' ');
  const [kind, a, b, c, d, ...rest] = parts;
  if (kind === 'R' && parts.length === 3) {
    const from = uint(a);
    const count = uint(b);
    return from !== undefined && count !== undefined && count > 0 ? { type: 'ok', from, count } : undefined;
  }
  if ((kind === 'E' || kind === 'U') && parts.length === 5 && rest.length === 0) {
    const seq = uint(a);
    const dueAt = uint(b);
    const latency = uint(c);
    if (seq === undefined || dueAt === undefined || latency === undefined || !d) return undefined;
    const outcome = kind === 'E' ? 'error' : 'unknown';
    return { type: 'exception', attempt: { seq, outcome, errorClass: d, dueAt, completedAt: dueAt + latency } };
  }
  if (kind === 'reserve' && parts.length === 2) {
    const through = uint(a);
    return through !== undefined ? { type: 'reserve', through } : undefined;
  }
  if (kind === 'closed' && parts.length === 2) {
    const attempts = uint(a);
    return attempts !== undefined ? { type: 'closed', attempts } : undefined;
  }
  return undefined;
}

/** Parses the header line (any version; the reader decides); undefined when it is not a header. */
export function parseHeader(line: string): LedgerHeader | undefined {
  const m = /^(\S+) (\d+) (\{.*\})$/.exec(line);
  if (!m || m[1] !== LEDGER_MAGIC || !m[3]) return undefined;
  try {
    const body = JSON.parse(m[3]) as Partial<LedgerHeader>;
    if (typeof body.writerKey !== 'number' || typeof body.run !== 'string') return undefined;
    return { version: Number(m[2]), writerKey: body.writerKey, run: body.run, label: typeof body.label === 'string' ? body.label : '' };
  } catch {
    return undefined;
  }
}
