import { CutoverError } from '../../core/errors.js';
import { EMBEDDED_PACKAGES, embeddedFullVersion, embeddedVersions } from '../providers/embedded-binaries.js';
import type { LabInstallations } from '../providers/lab-installations.js';
import type { ProviderSpec, ScenarioInput, StepSpec } from '../scenario-types.js';

export type RehearsalMethod = 'logical' | 'pg-upgrade' | 'dump-restore' | 'minor';

/** The action each method of `cutover rehearse` runs as its upgrade step. */
export const METHOD_ACTIONS: Record<RehearsalMethod, string> = {
  logical: 'logical-bluegreen',
  'pg-upgrade': 'pg-upgrade',
  'dump-restore': 'dump-restore',
  minor: 'minor-restart',
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
}

/**
 * The scenario `cutover rehearse` runs, from its flags: blue (and green) providers, the dataset,
 * the soak, and the steps wait, upgrade, wait. Methods that need full tools (pg_dump, pg_upgrade)
 * take the target from the upgrade lab (or --to-bindir) and blue from the lab too when it has it.
 */
export function rehearsalScenario(flags: RehearsalFlags, lab: LabInstallations | undefined): { scenario: ScenarioInput; targetMajor: number } {
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
