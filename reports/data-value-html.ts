import type { ShownValue } from '../validate/result.js';
import { escapeHtml as h } from './escape.js';

/** Characters of a value shown on the page; the engine cuts at 200 already, older or larger caps are cut here too. */
const MAX_SHOWN = 200;

/** A value's characters (code points, so a cut never splits a surrogate pair), cut to what is shown. */
function shown(v: ShownValue): { chars: string[]; length?: number } {
  const chars = Array.from(v.text ?? '');
  const length = v.length ?? (chars.length > MAX_SHOWN ? chars.length : undefined);
  return { chars: chars.slice(0, MAX_SHOWN), ...(length !== undefined ? { length } : {}) };
}

/** The note after a cut value: its full length. */
function cutNote(length: number | undefined): string {
  return length === undefined ? '' : `<span class="dv-cut">… (${h(length.toLocaleString('en-US'))} chars)</span>`;
}

/** NULL and the empty string look different: both are data, and a NULL turned into `''` is a difference. */
function special(v: ShownValue): string | undefined {
  if (v.text === null) return '<span class="dv-null">NULL</span>';
  if (v.text === '' && v.length === undefined) return '<span class="dv-empty">empty string</span>';
  return undefined;
}

/** One value, escaped, cut with its length shown; NULL and the empty string labelled. */
export function shownValueHtml(v: ShownValue): string {
  const s = special(v);
  if (s) return s;
  const { chars, length } = shown(v);
  return `<span class="dv-value">${h(chars.join(''))}</span>${cutNote(length)}`;
}

/**
 * Both values of a changed column, with the part that differs marked: what lies between their
 * common prefix and common suffix (a float's last digits, a timestamp's microseconds, a jsonb key).
 */
export function changedValuesHtml(source: ShownValue, target: ShownValue): { source: string; target: string } {
  const a = special(source) ? undefined : shown(source);
  const b = special(target) ? undefined : shown(target);
  if (!a || !b) return { source: shownValueHtml(source), target: shownValueHtml(target) };
  const x = a.chars;
  const y = b.chars;
  let prefix = 0;
  while (prefix < x.length && prefix < y.length && x[prefix] === y[prefix]) prefix++;
  // A cut value's end is not its end: only whole values share a suffix.
  let suffix = 0;
  if (a.length === undefined && b.length === undefined) {
    while (suffix < x.length - prefix && suffix < y.length - prefix && x[x.length - 1 - suffix] === y[y.length - 1 - suffix]) suffix++;
  }
  const marked = (chars: string[], length: number | undefined): string => {
    const middle = chars.slice(prefix, chars.length - suffix).join('');
    return `<span class="dv-value">${h(chars.slice(0, prefix).join(''))}${middle ? `<mark>${h(middle)}</mark>` : ''}${h(chars.slice(chars.length - suffix).join(''))}</span>${cutNote(length)}`;
  };
  // Two cut values alike as far as they are shown: say so, or the reader sees no difference.
  const hidden = a.length !== undefined && b.length !== undefined && prefix === x.length && prefix === y.length ? '<span class="dv-cut">(alike in the first characters shown: they differ after them)</span>' : '';
  return { source: marked(x, a.length), target: `${marked(y, b.length)}${hidden}` };
}

/** A row's key as `col = value` pairs, each value escaped (NULL labelled). */
export function keyHtml(key: Record<string, string | null>): string {
  return Object.entries(key)
    .map(([column, value]) => `<span class="dv-key-col">${h(column)}</span>&nbsp;=&nbsp;${value === null ? '<span class="dv-null">NULL</span>' : `<span class="dv-value">${h(value)}</span>`}`)
    .join(', ');
}

/** The stylesheet of data values. */
export const DATA_VALUE_CSS = `
.dv-value { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.dv-value mark { background: #ffd8b5; border-radius: 2px; }
.dv-null, .dv-empty { font-size: 11px; color: #57606a; border: 1px solid #d0d7de; border-radius: 3px; padding: 0 .25rem; font-style: italic; }
.dv-cut { color: #57606a; font-size: 11.5px; margin-left: .2rem; }
.dv-key-col { color: #57606a; }
`;
