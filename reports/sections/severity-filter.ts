import type { Severity } from '../../checks/finding.js';

/** Most severe first, as every report lists them. */
export const SEVERITIES: readonly Severity[] = ['fail', 'warn', 'info'];

/**
 * The severity filter of the check diff: one checkbox per severity. It needs no script: the
 * stylesheet hides `.cd-sev-<severity>` while its box is unchecked (see `severityFilterCss`).
 */
export function severityFilterHtml(counts: Record<Severity, number>): string {
  const boxes = SEVERITIES.map(
    (s) => `<label><input type="checkbox" class="cd-show-${s}" checked> <span class="badge sev-${s}">${s}</span> ${counts[s]}</label>`,
  );
  return `<fieldset class="cd-filter"><legend>Show findings of severity</legend>${boxes.join(' ')}</fieldset>
<p class="cd-all-hidden muted">Every finding is hidden by the filter above.</p>`;
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]).filter((s) => s.length > 0);
}

/**
 * CSS for the filter: an unchecked box hides its severity's findings, and a check whose every
 * present severity is hidden disappears with its heading. `:has()` on the section scopes the
 * rules, so two check diffs on one page filter independently.
 */
export function severityFilterCss(): string {
  const unchecked = (s: Severity) => `:has(.cd-show-${s}:not(:checked))`;
  const rules = SEVERITIES.map((s) => `.cd${unchecked(s)} .cd-sev-${s} { display: none; }`);
  for (const hidden of subsets(SEVERITIES)) {
    const shown = SEVERITIES.filter((s) => !hidden.includes(s));
    const scope = `.cd${hidden.map(unchecked).join('')}`;
    // A check is hidden when it has none of the severities still shown.
    const has = shown.map((s) => `.cd-has-${s}`).join(', ');
    rules.push(`${scope} ${shown.length ? `.cd-check:not(${has})` : '.cd-check'} { display: none; }`);
    // And when no check has any of them, the section says so instead of going blank.
    rules.push(`${scope}${shown.length ? `:not(:has(${has}))` : ''} .cd-all-hidden { display: block; }`);
  }
  return ['.cd-all-hidden { display: none; }', ...rules].join('\n');
}
