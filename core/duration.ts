import { CutoverError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration flag: `30s`, `5m`, `1h`, `250ms`, combinations such as `1m30s`, or a bare
 * number of milliseconds. A usage error names the option, what was expected and what was given.
 */
export function parseDuration(option: string, text: string, limits: { minMs?: number; maxMs?: number } = {}): number {
  const trimmed = text.trim();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed);
  } else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) {
    ms = 0;
    for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * (UNIT_MS[m[2] as string] ?? NaN);
  }
  const min = limits.minMs ?? 1;
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new CutoverError('usage', `${option}: expected a duration such as 30s, 5m, 1h or 500ms (a bare number is milliseconds), got "${text}"`);
  }
  if (ms < min || (limits.maxMs !== undefined && ms > limits.maxMs)) {
    const range = limits.maxMs !== undefined ? `between ${formatMs(min)} and ${formatMs(limits.maxMs)}` : `of at least ${formatMs(min)}`;
    throw new CutoverError('usage', `${option}: expected a duration ${range}, got "${text}"`);
  }
  return Math.round(ms);
}

/** Parses a positive number flag (a rate, a count). */
export function parsePositive(option: string, text: string, limits: { max?: number; integer?: boolean; what?: string } = {}): number {
  const value = Number(text.trim());
  const what = limits.what ?? (limits.integer ? 'a whole number above 0' : 'a number above 0');
  const bad = text.trim() === '' || !Number.isFinite(value) || value <= 0 || (limits.integer === true && !Number.isInteger(value));
  if (bad || (limits.max !== undefined && value > limits.max)) {
    throw new CutoverError('usage', `${option}: expected ${what}${limits.max !== undefined ? ` and at most ${limits.max}` : ''}, got "${text}"`);
  }
  return value;
}

/** A duration for a message: `1500 ms`, `30 s`, `5 min`, `1 h`. */
export function formatMs(ms: number): string {
  if (ms < 1_000 || ms % 1_000 !== 0) return `${ms} ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1_000} s`;
}
