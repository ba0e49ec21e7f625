import { isRecord } from './check-data.js';

/** A before/after pair found in a finding's details, e.g. `pre`/`post` or `preMs`/`postMs`. */
export interface ValuePair {
  /** What the pair measures when the keys say it (`ms` for `preMs`), else empty. */
  label: string;
  before?: unknown;
  after?: unknown;
  hasBefore: boolean;
  hasAfter: boolean;
}

/** A finding's details split into before/after pairs, the change between them, and the rest. */
export interface FindingValues {
  pairs: ValuePair[];
  /** `change` and `ratio`, the figures that relate the two sides. */
  change: { label: string; value: unknown }[];
  other: { label: string; value: unknown }[];
}

const CHANGE_KEYS = new Set(['change', 'ratio']);
const SIDES: [before: string, after: string][] = [
  ['pre', 'post'],
  ['before', 'after'],
];

/** Which pair a key belongs to and on which side: `preMs` is the `before` side of `Ms`. */
function sideOf(key: string): { side: 'before' | 'after'; rest: string } | undefined {
  for (const [before, after] of SIDES) {
    for (const [prefix, side] of [[before, 'before'], [after, 'after']] as const) {
      if (key === prefix) return { side, rest: '' };
      // Only camelCase continuations: `preMs` pairs, `prefix` or `posted` do not.
      if (key.startsWith(prefix) && /^[A-Z]/.test(key.slice(prefix.length))) return { side, rest: key.slice(prefix.length) };
    }
  }
  return undefined;
}

/**
 * Splits a finding's details. Keys `pre`/`post` and `before`/`after` (and their camelCase
 * extensions such as `preMs`/`postMs`) become pairs shown side by side; a pair with only one
 * side (a setting back at its default has only `pre`) is still a pair.
 */
export function findingValues(details: Record<string, unknown> | undefined): FindingValues {
  const out: FindingValues = { pairs: [], change: [], other: [] };
  if (!isRecord(details)) return out;
  const pairs = new Map<string, ValuePair>();
  for (const [key, value] of Object.entries(details)) {
    const side = sideOf(key);
    if (side) {
      const label = side.rest.charAt(0).toLowerCase() + side.rest.slice(1);
      const pair = pairs.get(label) ?? { label, hasBefore: false, hasAfter: false };
      if (side.side === 'before') Object.assign(pair, { before: value, hasBefore: true });
      else Object.assign(pair, { after: value, hasAfter: true });
      pairs.set(label, pair);
    } else if (CHANGE_KEYS.has(key)) out.change.push({ label: key, value });
    else out.other.push({ label: key, value });
  }
  out.pairs = [...pairs.values()];
  return out;
}
