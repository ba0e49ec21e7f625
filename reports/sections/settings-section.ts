import { type ServerData, type SettingValue, type WatchedValue, showSetting } from '../../checks/server-identity.js';
import { escapeHtml as h } from '../escape.js';
import { checkData, isRecord, type SnapshotSide } from './check-data.js';
import { noteHtml, plural, sectionHtml, sidesNote } from './section.js';

function isServerData(value: unknown): value is ServerData {
  return isRecord(value) && Array.isArray(value.settings) && Array.isArray(value.watched);
}

/** One setting's value on one side, as shown and as compared. */
interface SideValue {
  /** What the page prints. */
  text: string;
  /** What decides whether the setting changed; undefined when it cannot be compared (a secret). */
  compare?: string;
  source?: string;
  muted?: boolean;
}

interface SettingRow {
  name: string;
  before?: SideValue;
  after?: SideValue;
  changed: boolean;
}

const IDENTITY: [string, (d: ServerData) => string | null][] = [
  ['server_version', (d) => d.version],
  ['data_checksums', (d) => (d.dataChecksums === null ? null : d.dataChecksums ? 'on' : 'off')],
  ['block_size', (d) => bytes(d.sizes?.blockSize)],
  ['wal_block_size', (d) => bytes(d.sizes?.walBlockSize)],
  ['segment_size', (d) => bytes(d.sizes?.segmentSize)],
  ['wal_segment_size', (d) => bytes(d.sizes?.walSegmentSize)],
];

function bytes(n: number | null | undefined): string | null {
  return typeof n === 'number' ? `${n} bytes` : null;
}

function fromSetting(s: SettingValue): SideValue {
  if (s.masked) return { text: '(hidden: a secret)', source: s.source, muted: true };
  const text = showSetting(s);
  return { text: s.pendingRestart ? `${text} (pending restart)` : text, compare: text, source: s.source };
}

function fromWatched(w: WatchedValue): SideValue {
  if (!w.present) return { text: 'no such setting', compare: '\u0000absent', muted: true };
  if (w.masked) return { text: '(hidden: a secret)', source: w.source, muted: true };
  const text = showSetting(w);
  return { text, compare: text, ...(w.source ? { source: w.source } : {}) };
}

/** Every setting a side recorded: identity, non-default settings, then watched ones. */
function sideValues(d: ServerData): Map<string, SideValue> {
  const out = new Map<string, SideValue>();
  for (const [name, get] of IDENTITY) {
    const v = get(d);
    if (v !== null) out.set(name, { text: v, compare: v });
  }
  for (const s of d.settings) out.set(s.name, fromSetting(s));
  for (const w of d.watched) if (!out.has(w.name)) out.set(w.name, fromWatched(w));
  return out;
}

/**
 * Server settings before and after: the ones that differ in a table (a setting recorded on one
 * side only was at its default on the other), a count of the unchanged ones, and every setting
 * in a collapsed table. Secrets are masked in the snapshots and never compared.
 */
export function settingsSectionHtml(pre: SnapshotSide | undefined, post: SnapshotSide | undefined): string {
  const before = checkData(pre, 'server', isServerData);
  const after = checkData(post, 'server', isServerData);
  const note = sidesNote(before, after);
  if (!before.ok || !after.ok) {
    // One side alone has nothing to compare with: say why rather than list one column.
    return sectionHtml('settings-diff', 'Settings before and after', note);
  }
  const a = sideValues(before.data);
  const b = sideValues(after.data);
  const rows: SettingRow[] = [...new Set([...a.keys(), ...b.keys()])].sort().map((name) => {
    const x = a.get(name);
    const y = b.get(name);
    // Recorded on one side only: at its default on the other, so it changed (as the differ says).
    const changed = !x || !y || (x.compare !== undefined && y.compare !== undefined && x.compare !== y.compare);
    return { name, ...(x ? { before: x } : {}), ...(y ? { after: y } : {}), changed };
  });
  const differing = rows.filter((r) => r.changed);
  const unchanged = rows.length - differing.length;
  const summary = `${plural(differing.length, 'setting')} differ${differing.length === 1 ? 's' : ''}; ${unchanged} unchanged. A setting listed on one side only was at its compiled-in default on the other.`;
  return sectionHtml(
    'settings-diff',
    'Settings before and after',
    `${noteHtml(summary)}
${differing.length ? settingsTable(differing) : ''}
<details class="rs-all"><summary>All ${plural(rows.length, 'setting')} recorded (non-default, watched and server identity)</summary>
${settingsTable(rows)}
</details>`,
  );
}

function valueCell(v: SideValue | undefined): string {
  if (!v) return '<span class="muted">default</span>';
  const value = v.muted ? `<span class="muted">${h(v.text)}</span>` : `<span class="mono">${h(v.text)}</span>`;
  return `${value}${v.source ? `<span class="muted rs-source">(${h(v.source)})</span>` : ''}`;
}

function settingsTable(rows: SettingRow[]): string {
  return `<table class="rs-table">
<thead><tr><th>Setting</th><th>Before</th><th>After</th></tr></thead>
<tbody>
${rows
  .map((r) => `<tr class="rs-${r.changed ? (r.before ? (r.after ? 'changed' : 'removed') : 'added') : 'same'}"><td class="mono">${h(r.name)}</td><td>${valueCell(r.before)}</td><td>${valueCell(r.after)}</td></tr>`)
  .join('\n')}
</tbody>
</table>`;
}
