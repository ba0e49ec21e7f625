import { CutoverError } from '../../core/errors.js';
import { EMBEDDED_PACKAGES, embeddedFullVersion, embeddedVersions } from '../providers/embedded-binaries.js';
import type { LabInstallations } from '../providers/lab-installations.js';
import type { ProviderSpec, ScenarioInput, StepSpec } from '../scenario-types.js';
import { parseSqliteLocation } from '../../core/sqlite-location.js';
import { SAMPLE_MIGRATION } from '../sqlite/sample-queries.js';

export type RehearsalMethod = 'logical' | 'pg-upgrade' | 'dump-restore' | 'minor' | 'image-swap';

/** The action each method of `cutover rehearse` runs as its upgrade step. */
export const METHOD_ACTIONS: Record<RehearsalMethod, string> = {
  logical: 'logical-bluegreen',
  'pg-upgrade': 'pg-upgrade',
  'dump-restore': 'dump-restore',
  minor: 'minor-restart',
  'image-swap': 'image-swap',
};

export interface RehearsalFlags {
  method: RehearsalMethod;
  from?: string;
  to?: string;
  fromBindir?: string;
  toBindir?: string;
  switchover: 'hard' | 'pause';
  mode: 'link' | 'copy';
  scale: number;
  rate: number;
  /** Soak time outside the upgrade step, split half before it and half after it. */
  durationMs: number;
  name?: string;
  /** Containers (`--from-image`, `--to-image`): blue runs the first, the upgrade goes to the second. */
  fromImage?: string;
  toImage?: string;
  /** `--method pg-upgrade` between images: the pg_upgrade image holding both majors. */
  upgradeImage?: string;
  /** A move off SQLite (`--from sqlite[:PATH]`): which loader, or the user's own command. */
  loader?: 'auto' | 'builtin' | 'pgloader';
  loadCommand?: string;
  /** Where relative paths are taken from. */
  cwd?: string;
}

/** `--from sqlite` (the built-in sample) or `--from sqlite:PATH` / `file:PATH`: a move off SQLite. */
const SQLITE_FROM = /^(sqlite|file)(:|$)/i;

/**
 * The scenario `cutover rehearse` runs, from its flags: blue (and green) providers, the dataset,
 * the soak, and the steps wait, upgrade, wait. Methods that need full tools (pg_dump, pg_upgrade)
 * take the target from the upgrade lab (or --to-bindir) and blue from the lab too when it has it.
 */
export function rehearsalScenario(flags: RehearsalFlags, lab: LabInstallations | undefined): { scenario: ScenarioInput; targetMajor: number } {
  if (flags.from !== undefined && SQLITE_FROM.test(flags.from)) return sqliteRehearsal(flags, flags.from, lab);
  if (flags.fromImage !== undefined || flags.toImage !== undefined || flags.method === 'image-swap') return imageRehearsal(flags);
  if (flags.loader !== undefined || flags.loadCommand !== undefined) {
    throw new CutoverError('usage', `${flags.loader !== undefined ? '--loader' : '--load-command'}: only for a move off SQLite (--from sqlite or --from sqlite:PATH), got --from ${flags.from ?? '15 (the default)'}`);
  }
  const { method } = flags;
  const from = flags.from ?? (method === 'minor' ? '16.4' : '15');
  const to = flags.to ?? (method === 'minor' ? '16' : '17');
  const needTools = method === 'pg-upgrade' || method === 'dump-restore';
  const blue = provider({ flag: '--from', version: from, bindir: flags.fromBindir, preferLab: needTools, lab, method });
  const target = provider({ flag: '--to', version: to, bindir: flags.toBindir, needTools, lab, method });
  const fromMajor = majorOf(from, '--from');
  const targetMajor = majorOf(to, '--to');
  if (method === 'minor' && fromMajor !== targetMajor) {
    throw new CutoverError('usage', `--method minor: --from and --to must be the same major, got ${from} and ${to}`);
  }
  if (method !== 'minor' && targetMajor <= fromMajor) {
    throw new CutoverError('usage', `--method ${method}: --to must be a later major than --from, got ${from} and ${to}`);
  }
  const step: StepSpec =
    method === 'minor'
      ? { action: METHOD_ACTIONS.minor, to: target.provider === 'bindir' ? target.bindir : to }
      : method === 'pg-upgrade'
        ? { action: METHOD_ACTIONS['pg-upgrade'], mode: flags.mode }
        : { action: METHOD_ACTIONS[method] };
  const half = Math.round(flags.durationMs / 2);
  const wait: StepSpec[] = half > 0 ? [{ action: 'wait', duration: half }] : [];
  const label = (spec: ProviderSpec, version: string) => (spec.provider === 'embedded' ? embeddedFullVersion(version) : version);
  const name = flags.name ?? `${method}-${label(blue, from)}-to-${label(target, to)}`;
  return {
    targetMajor,
    scenario: {
      name: name.replace(/[^A-Za-z0-9._-]+/g, '-'),
      blue,
      ...(method === 'minor' ? {} : { green: target }),
      dataset: { name: 'notifications', scale: flags.scale },
      soak: { rate: flags.rate, workload: 'notifications', driver: 'node' },
      switchover: flags.switchover,
      steps: [...wait, step, ...wait],
    },
  };
}

function provider(o: {
  flag: '--from' | '--to';
  version: string;
  bindir: string | undefined;
  needTools?: boolean;
  preferLab?: boolean;
  lab: LabInstallations | undefined;
  method: RehearsalMethod;
}): ProviderSpec & { provider: 'embedded' | 'bindir' } {
  if (o.bindir) return { provider: 'bindir', bindir: o.bindir };
  const major = majorOf(o.version, o.flag);
  const labBindir = o.lab?.bindir(major);
  if (o.needTools) {
    if (labBindir) return { provider: 'bindir', bindir: labBindir };
    throw new CutoverError(
      'usage',
      `--method ${o.method} needs a full PostgreSQL ${major} installation (pg_dump, pg_upgrade), which the embedded binaries lack; ` +
        `expected the upgrade lab (run scripts/lab.sh) or ${o.flag}-bindir DIR, got ${o.lab ? `a lab without PostgreSQL ${major} (${o.lab.file})` : 'no lab'}`,
    );
  }
  // pgvector and the old server's tools (pg_controldata, pg_resetwal) come with the lab's installation.
  if (o.preferLab && labBindir && !o.version.includes('.')) return { provider: 'bindir', bindir: labBindir };
  if (EMBEDDED_PACKAGES[o.version]) return { provider: 'embedded', version: o.version };
  if (labBindir && !o.version.includes('.')) return { provider: 'bindir', bindir: labBindir };
  throw new CutoverError('usage', `${o.flag}: expected one of ${embeddedVersions().join(', ')} (or a major the upgrade lab has), got "${o.version}"`);
}

function majorOf(version: string, flag: string): number {
  const major = Number(version.split('.')[0]);
  if (!Number.isInteger(major) || major < 10) throw new CutoverError('usage', `${flag}: expected a PostgreSQL version such as 15, 16.4 or 17, got "${version}"`);
  return major;
}

/**
 * `--from sqlite[:PATH]`: the application's SQLite file (or cutover's sample, with `--scale` × 5,000
 * resources) moved into PostgreSQL `--to` (default 17, embedded) by the chosen loader, then the
 * soak for `--duration` on green, the application's writes having stopped during the copy.
 */
function sqliteRehearsal(flags: RehearsalFlags, from: string, lab: LabInstallations | undefined): { scenario: ScenarioInput; targetMajor: number } {
  const to = flags.to ?? '17';
  const target = provider({ flag: '--to', version: to, bindir: flags.toBindir, lab, method: flags.method });
  const location = parseSqliteLocation(from, flags.cwd ?? process.cwd());
  const file = location && location.text.replace(/^(sqlite|file):(\/\/)?/i, '') !== '' ? location.path : undefined;
  const label = target.provider === 'embedded' ? embeddedFullVersion(to) : to;
  const name = flags.name ?? `sqlite-to-${label}`;
  const migrate: StepSpec = flags.loadCommand ? { action: 'sqlite-migrate', command: flags.loadCommand } : { action: 'sqlite-migrate', loader: flags.loader ?? 'auto' };
  return {
    targetMajor: majorOf(to, '--to'),
    scenario: {
      name: name.replace(/[^A-Za-z0-9._-]+/g, '-'),
      blue: file ? { provider: 'sqlite', file } : { provider: 'sqlite', sample: { resources: Math.max(1, Math.round(5_000 * flags.scale)) } },
      green: target,
      dataset: false,
      soak: { rate: flags.rate, workload: 'notifications', driver: 'node' },
      steps: [migrate, ...(flags.durationMs > 0 ? [{ action: 'wait', duration: flags.durationMs }] : [])],
      // The sample's own queries and searches, timed and compared on both engines.
      ...(file ? {} : { migration: SAMPLE_MIGRATION }),
    },
  };
}

/**
 * `--from-image A --to-image B`: blue is a container of A (its dataset seeded, the soak through
 * the switch). `image-swap` (the default) stops it and starts B on the same volume: the Docker
 * user's minor upgrade; `--method logical` or `dump-restore` moves to a green container of B.
 */
function imageRehearsal(flags: RehearsalFlags): { scenario: ScenarioInput; targetMajor: number } {
  const { fromImage, toImage, method } = flags;
  if (fromImage === undefined || toImage === undefined) {
    throw new CutoverError('usage', `${fromImage === undefined ? '--from-image' : '--to-image'}: expected an image (e.g. postgres:16.4), got none; containers need both --from-image and --to-image`);
  }
  if (flags.from !== undefined || flags.to !== undefined || flags.fromBindir !== undefined || flags.toBindir !== undefined) {
    throw new CutoverError('usage', '--from/--to/--from-bindir/--to-bindir: not with --from-image/--to-image (the images carry their versions)');
  }
  if (method !== 'image-swap' && method !== 'logical' && method !== 'dump-restore' && method !== 'pg-upgrade') {
    throw new CutoverError('usage', `--method ${method}: expected image-swap, logical, dump-restore or pg-upgrade with --from-image/--to-image, got "${method}"`);
  }
  if ((method === 'pg-upgrade') !== (flags.upgradeImage !== undefined)) {
    throw new CutoverError('usage', method === 'pg-upgrade' ? '--upgrade-image: --method pg-upgrade between images needs the pg_upgrade image holding both majors (e.g. tianon/postgres-upgrade:15-to-17), got none' : `--upgrade-image: only with --method pg-upgrade, got --method ${method}`);
  }
  const step: StepSpec =
    method === 'image-swap' ? { action: 'image-swap', image: toImage } : method === 'pg-upgrade' ? { action: 'pg-upgrade', mode: flags.mode, image: flags.upgradeImage } : { action: METHOD_ACTIONS[method] };
  const half = Math.round(flags.durationMs / 2);
  const wait: StepSpec[] = half > 0 ? [{ action: 'wait', duration: half }] : [];
  const name = flags.name ?? `${method}-${fromImage}-to-${toImage}`;
  return {
    // Unknown until the images run: the compatibility checks take the configuration's, if any.
    targetMajor: 0,
    scenario: {
      name: name.replace(/[^A-Za-z0-9._-]+/g, '-'),
      blue: { provider: 'container', image: fromImage },
      ...(method === 'image-swap' ? {} : { green: { provider: 'container', image: toImage } }),
      dataset: { name: 'notifications', scale: flags.scale },
      soak: { rate: flags.rate, workload: 'notifications', driver: 'node' },
      switchover: flags.switchover,
      steps: [...wait, step, ...wait],
    },
  };
}
