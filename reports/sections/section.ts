import type { CheckData } from './check-data.js';
import { escapeHtml as h } from '../escape.js';

/** The frame of every section: an anchor id, a heading, and the body (already escaped). */
export function sectionHtml(id: string, heading: string, body: string, extraClass = ''): string {
  return `<section class="rs-section${extraClass ? ` ${h(extraClass)}` : ''}" id="${h(id)}">
<h2>${h(heading)}</h2>
${body}
</section>`;
}

/** One muted line, for a section that has nothing (or only part) to show. */
export function noteHtml(text: string): string {
  return `<p class="muted">${h(text)}</p>`;
}

/** Why one side has no data, e.g. `Before: skipped: no queries configured`. */
export function missingSidesNote(sides: { label: string; reason?: string }[]): string {
  const missing = sides.filter((s) => s.reason !== undefined);
  return missing.length ? noteHtml(missing.map((s) => `${s.label}: ${s.reason}`).join('. ') + '.') : '';
}

/** A count with its noun, singular or plural: `1 table`, `3 tables`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}

/** The note for a section whose check data is missing on one side or both (empty when both are there). */
export function sidesNote(before: CheckData<unknown>, after: CheckData<unknown>): string {
  return missingSidesNote([
    { label: 'Before', reason: before.ok ? undefined : before.reason },
    { label: 'After', reason: after.ok ? undefined : after.reason },
  ]);
}
