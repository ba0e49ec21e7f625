/**
 * A finding's detail value as a person reads it: scalars as they are, lists one item a line,
 * objects as `key: value` pairs. Never raw JSON.
 */
export function detailLines(value: unknown, depth = 0): string[] {
  if (value === null || value === undefined) return ['—'];
  if (typeof value !== 'object') return [String(value)];
  if (Array.isArray(value)) {
    if (value.length === 0) return ['(none)'];
    const lines = value.slice(0, 20).map((item) => `• ${inline(item, depth)}`);
    if (value.length > 20) lines.push(`…and ${value.length - 20} more`);
    return lines;
  }
  return [inline(value, depth)];
}

function inline(value: unknown, depth: number): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'object') return String(value);
  if (depth > 2) return '…';
  if (Array.isArray(value)) return value.map((v) => inline(v, depth + 1)).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${inline(v, depth + 1)}`)
    .join('; ');
}
