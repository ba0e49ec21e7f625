import { detailLines } from '../detail-text.js';
import { escapeHtml as h } from '../escape.js';
import { isRecord } from './check-data.js';

const DASH = '<span class="muted">—</span>';

/** Numbers as people read them: integers grouped, fractions to at most three decimals. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(n) ? 0 : 3 });
}

function lines(items: string[]): string {
  return `<div class="rs-lines mono">${items.map((l) => `<div>${h(l) || '&nbsp;'}</div>`).join('')}</div>`;
}

/**
 * One value of a finding's details as HTML: scalars as text, lists one item a line (plan shapes
 * keep their indentation), objects as `key: value` lines. Never raw JSON, always escaped.
 */
export function valueHtml(value: unknown): string {
  if (value === undefined || value === null) return DASH;
  if (typeof value === 'number') return h(formatNumber(value));
  if (typeof value !== 'object') return h(String(value));
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return value.length ? lines(value.map(String)) : '<span class="muted">(none)</span>';
    return lines(detailLines(value));
  }
  if (isRecord(value)) {
    // A watched setting that a server does not have: `{ present: false }`.
    if (value.present === false && Object.keys(value).length === 1) return '<span class="muted">not present</span>';
    // An empty string would print as nothing after the colon: show it quoted, as SHOW does.
    return lines(Object.entries(value).map(([k, v]) => `${k}: ${v === '' ? "''" : detailLines(v).join(', ')}`));
  }
  return h(String(value));
}

/** A ratio as `13.79×`. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** A `change` or `ratio` figure of a finding: a signed difference, or a ratio. */
export function changeHtml(label: string, value: unknown): string {
  if (typeof value !== 'number') return valueHtml(value);
  if (label === 'ratio') return h(formatRatio(value));
  return h(`${value > 0 ? '+' : ''}${formatNumber(value)}`);
}
