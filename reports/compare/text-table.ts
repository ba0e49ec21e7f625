/** Text styling the terminal summary uses; identity functions when colour is off. */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

/** A cell: its text, and optionally how to paint it once padded (colour codes take no width). */
export type Cell = string | { text: string; paint: (s: string) => string };

const textOf = (c: Cell) => (typeof c === 'string' ? c : c.text);

/**
 * Rows aligned in columns two spaces apart: the first column left-aligned, the others
 * right-aligned (figures), each line indented by `indent`. Trailing spaces are trimmed.
 */
export function alignRows(rows: readonly (readonly Cell[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...textOf(c)].length)));
  return rows.map((row) => {
    const cells = row.map((c, i) => {
      const text = textOf(c);
      const pad = ' '.repeat((widths[i] ?? 0) - [...text].length);
      const shown = typeof c === 'string' ? text : c.paint(text);
      return i === 0 ? shown + pad : pad + shown;
    });
    return `${indent}${cells.join('  ')}`.trimEnd();
  });
}

/** Rows of words in left-aligned columns two spaces apart (a header of names, not figures); empty cells take no room at the end. */
export function alignLeft(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((row) => row.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length)).join('  ').trimEnd());
}

/**
 * Text from a run directory made safe for a terminal: control characters (a name could hold an
 * escape sequence) become U+FFFD, never interpreted.
 */
export function terminalSafe(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(value ?? '').replace(/[\u0000-\u001F\u007F-\u009F]/g, '\uFFFD');
}
