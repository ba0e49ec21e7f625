import type { FindingInput } from './finding.js';
import { defineCheck } from './define-check.js';
import { WATCHED_SETTINGS } from './server-watch-list.js';
import { redactSetting } from './setting-redact.js';

/** One setting as `pg_settings` reports it, secrets masked. */
export interface SettingValue {
  name: string;
  setting: string | null;
  unit: string | null;
  source: string;
  /** A secret was hidden: the value cannot be compared. */
  masked?: true;
  /** Changed in the configuration but waits for a restart. */
  pendingRestart?: true;
}

/** A watched setting: reported whatever its source, with its compiled-in default. */
export interface WatchedValue {
  name: string;
  /** False when this server has no such setting (new in a later major, or removed). */
  present: boolean;
  setting?: string | null;
  unit?: string | null;
  source?: string;
  bootVal?: string | null;
  masked?: true;
}

export interface ServerData {
  version: string;
  versionNum: number;
  major: number;
  /** Null when the setting cannot be read. */
  dataChecksums: boolean | null;
  /** Sizes in bytes; they are fixed when the server is compiled (or at initdb) and never change in place. */
  sizes: { blockSize: number | null; walBlockSize: number | null; segmentSize: number | null; walSegmentSize: number | null };
  /** Every setting not at its default, except those describing cutover's own connection. */
  settings: SettingValue[];
  watched: WatchedValue[];
}

interface SettingRow extends Record<string, unknown> {
  name: string;
  setting: string | null;
  unit: string | null;
  source: string;
  boot_val: string | null;
  pending_restart: boolean;
}

// `client` and `session` settings are cutover's own connection (application_name, timeouts,
// read-only); `default` and `override` (set by initdb or computed) are not configuration.
const NOT_CONFIGURATION = new Set(['default', 'override', 'client', 'session']);

const SIZE_SETTINGS = {
  blockSize: 'block_size',
  walBlockSize: 'wal_block_size',
  segmentSize: 'segment_size',
  walSegmentSize: 'wal_segment_size',
} as const;

/** Server identity and configuration: version, checksums, block sizes, non-default and watched settings. */
export const serverCheck = defineCheck<ServerData>({
  id: 'server',
  title: 'Server version, data checksums, block sizes and settings',
  doc: {
    collects: 'the server version, data checksums, block and WAL segment sizes, and every setting with its source and pending restart',
    evaluates: 'settings changed in the configuration but waiting for a restart',
    compares: 'the version (major and minor), data checksums, sizes, the watched settings (a built-in list plus `checks.watchSettings`) and every other setting added, removed or changed',
    findings: {
      'version-major': { severity: 'info', meaning: 'the major version changed (the upgrade itself)' },
      'version-minor': { severity: 'info', meaning: 'the minor version changed' },
      'data-checksums': { severity: 'warn', meaning: 'data checksums were turned on or off' },
      size: { severity: 'varies', meaning: 'a block or segment size changed: fail, but info for wal_segment_size' },
      'setting-changed': { severity: 'info', meaning: 'a setting (not watched) has another value after' },
      'setting-added': { severity: 'info', meaning: 'a setting exists only after (a new major)' },
      'setting-removed': { severity: 'info', meaning: 'a setting (not watched) exists only before (removed in the new major)' },
      'pending-restart': { severity: 'warn', meaning: 'a setting was changed but needs a restart to apply' },
      watched: { severity: 'varies', meaning: 'a watched setting changed (warn), no longer exists (warn when it was set explicitly, else info) or is new (info)' },
    },
  },
  async collect(ctx) {
    const rows = await ctx.db.query<SettingRow>(
      `SELECT name, setting, unit, source, boot_val, pending_restart FROM pg_catalog.pg_settings ORDER BY name`,
    );
    const byName = new Map(rows.map((r) => [r.name, r]));
    const version = byName.get('server_version')?.setting ?? '';
    const checksums = byName.get('data_checksums')?.setting;
    const sizes = Object.fromEntries(
      Object.entries(SIZE_SETTINGS).map(([key, name]) => [key, sizeInBytes(byName.get(name))]),
    ) as ServerData['sizes'];
    const watchNames = [...new Set([...WATCHED_SETTINGS.map((w) => w.name), ...ctx.config.checks.watchSettings])];
    return {
      version: version.split(' ')[0] ?? version,
      versionNum: ctx.serverVersionNum,
      major: Math.floor(ctx.serverVersionNum / 10000),
      dataChecksums: checksums === undefined || checksums === null ? null : checksums === 'on',
      sizes,
      settings: rows.filter((r) => !NOT_CONFIGURATION.has(r.source)).map(settingValue),
      watched: watchNames.sort().map((name) => watchedValue(name, byName.get(name))),
    };
  },
  evaluate(data) {
    return data.settings
      .filter((s) => s.pendingRestart)
      .map((s) => ({
        key: `pending-restart:${s.name}`,
        severity: 'warn',
        message: `setting ${s.name} was changed in the configuration but only takes effect after a restart`,
        object: s.name,
      }));
  },
  compare(pre, post) {
    return [...compareIdentity(pre, post), ...compareWatched(pre, post), ...compareSettings(pre, post)];
  },
});

function settingValue(row: SettingRow): SettingValue {
  const { value, masked } = redactSetting(row.name, row.setting);
  return {
    name: row.name,
    setting: value,
    unit: row.unit,
    source: row.source,
    ...(masked ? { masked: true as const } : {}),
    ...(row.pending_restart ? { pendingRestart: true as const } : {}),
  };
}

function watchedValue(name: string, row: SettingRow | undefined): WatchedValue {
  if (!row) return { name, present: false };
  const current = redactSetting(name, row.setting);
  const boot = redactSetting(name, row.boot_val);
  return {
    name,
    present: true,
    setting: current.value,
    unit: row.unit,
    source: row.source,
    bootVal: boot.value,
    ...(current.masked || boot.masked ? { masked: true as const } : {}),
  };
}

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function sizeInBytes(row: SettingRow | undefined): number | null {
  if (!row?.setting) return null;
  const m = /^(\d*)\s*(B|kB|MB|GB|TB)$/.exec(row.unit ?? 'B');
  if (!m) return null;
  return Number(row.setting) * Number(m[1] || 1) * (UNIT_BYTES[m[2] as string] ?? 1);
}

/** `4096kB`, `16384 x 8kB`, `on`: a setting as people read it. */
export function showSetting(s: { setting?: string | null; unit?: string | null }): string {
  const value = s.setting ?? '(null)';
  if (!s.unit) return value === '' ? "''" : value;
  return /^\d/.test(s.unit) ? `${value} x ${s.unit}` : `${value}${s.unit}`;
}

function sameValue(a: { setting?: string | null; unit?: string | null }, b: { setting?: string | null; unit?: string | null }): boolean {
  return a.setting === b.setting && (a.unit ?? null) === (b.unit ?? null);
}

function compareIdentity(pre: ServerData, post: ServerData): FindingInput[] {
  const findings: FindingInput[] = [];
  if (pre.major !== post.major) {
    findings.push({
      key: 'version-major',
      severity: 'info',
      message: `major version ${pre.major} -> ${post.major} (${pre.version} -> ${post.version})`,
      details: { pre: pre.version, post: post.version },
    });
  } else if (pre.versionNum !== post.versionNum) {
    findings.push({
      key: 'version-minor',
      severity: 'info',
      message: `minor version ${pre.version} -> ${post.version}`,
      details: { pre: pre.version, post: post.version },
    });
  }
  if (pre.dataChecksums !== null && post.dataChecksums !== null && pre.dataChecksums !== post.dataChecksums) {
    findings.push({
      key: 'data-checksums',
      severity: 'warn',
      message: `data checksums ${onOff(pre.dataChecksums)} -> ${onOff(post.dataChecksums)}`,
      details: { pre: pre.dataChecksums, post: post.dataChecksums },
    });
  }
  for (const [key, name] of Object.entries(SIZE_SETTINGS) as [keyof ServerData['sizes'], string][]) {
    const a = pre.sizes[key];
    const b = post.sizes[key];
    if (a === null || b === null || a === b) continue;
    findings.push({
      key: `size:${name}`,
      // WAL segment size only matters to pg_upgrade and WAL tooling; the others change the data files.
      severity: name === 'wal_segment_size' ? 'info' : 'fail',
      message: `${name} ${a} -> ${b} bytes`,
      object: name,
      details: { pre: a, post: b },
    });
  }
  return findings;
}

function compareWatched(pre: ServerData, post: ServerData): FindingInput[] {
  const findings: FindingInput[] = [];
  const after = new Map(post.watched.map((w) => [w.name, w]));
  for (const a of pre.watched) {
    const b = after.get(a.name);
    if (!b || (!a.present && !b.present)) continue;
    const details = { pre: describeWatched(a), post: describeWatched(b) };
    if (a.present && b.present) {
      if (sameValue(a, b) || (a.masked && b.masked)) continue;
      findings.push({
        key: `watched:${a.name}`,
        severity: 'warn',
        message: `watched setting ${a.name} changed: ${showSetting(a)} (${a.source}) -> ${showSetting(b)} (${b.source})`,
        object: a.name,
        details,
      });
    } else if (a.present) {
      const explicit = a.source !== 'default';
      findings.push({
        key: `watched:${a.name}`,
        severity: explicit ? 'warn' : 'info',
        message: explicit
          ? `watched setting ${a.name} was set to ${showSetting(a)} (${a.source}) and no longer exists`
          : `watched setting ${a.name} no longer exists`,
        object: a.name,
        details,
      });
    } else {
      findings.push({
        key: `watched:${a.name}`,
        severity: 'info',
        message: `watched setting ${a.name} is new: ${showSetting(b)} (${b.source})`,
        object: a.name,
        details,
      });
    }
  }
  return findings;
}

function describeWatched(w: WatchedValue): Record<string, unknown> {
  return w.present ? { value: showSetting(w), source: w.source, default: w.bootVal } : { present: false };
}

function compareSettings(pre: ServerData, post: ServerData): FindingInput[] {
  const watched = new Set([...pre.watched, ...post.watched].map((w) => w.name));
  const before = new Map(pre.settings.filter((s) => !watched.has(s.name)).map((s) => [s.name, s]));
  const after = new Map(post.settings.filter((s) => !watched.has(s.name)).map((s) => [s.name, s]));
  const findings: FindingInput[] = [];
  for (const [name, a] of before) {
    const b = after.get(name);
    if (!b) {
      findings.push({
        key: `setting-removed:${name}`,
        severity: 'info',
        message: `setting ${name} is back at its default (was ${showSetting(a)}, ${a.source})`,
        object: name,
        details: { pre: showSetting(a), source: a.source },
      });
    } else if (!sameValue(a, b) && !(a.masked && b.masked)) {
      findings.push({
        key: `setting-changed:${name}`,
        severity: 'info',
        message: `setting ${name} changed: ${showSetting(a)} -> ${showSetting(b)} (${b.source})`,
        object: name,
        details: { pre: showSetting(a), post: showSetting(b), source: b.source },
      });
    }
  }
  for (const [name, b] of after) {
    if (before.has(name)) continue;
    findings.push({
      key: `setting-added:${name}`,
      severity: 'info',
      message: `setting ${name} is set to ${showSetting(b)} (${b.source}), was at its default`,
      object: name,
      details: { post: showSetting(b), source: b.source },
    });
  }
  return findings;
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}
