import type { ProviderSpec } from '../scenario-types.js';
import { bindirVersion } from '../upgrade/bindir-version.js';
import type { StepPlan } from './action-types.js';

/**
 * The problems of a step that moves the writer to a new major on green: green must exist (of the
 * providers the action can use), the writer must be a server cutover provisioned when the action
 * needs its data or an endpoint switch, and green's major must be newer than the writer's.
 */
export function upgradeProblems(plan: StepPlan, o: { green: readonly string[]; provisionedWriter: boolean }): string[] {
  const problems: string[] = [];
  const writerSpec = plan.specs[plan.writer];
  if (o.provisionedWriter && writerSpec?.provider === 'external') {
    problems.push(`role "${plan.writer}" is an external server; expected one cutover provisions (embedded, bindir or container) — upgrade external servers with a command step`);
  }
  if (o.provisionedWriter && writerSpec?.provider === 'patroni') {
    problems.push(`role "${plan.writer}" is a member of a Patroni cluster; expected a single server — a Patroni cluster is upgraded with the step patroni-major-upgrade`);
    return problems;
  }
  const green = plan.specs.green;
  if (!green) {
    problems.push(`the scenario needs "green": expected ${providers(o.green)} (the new version), got none`);
    return problems;
  }
  if (!o.green.includes(green.provider)) {
    problems.push(`scenario field "green": expected ${providers(o.green)}, got "${green.provider}"`);
    return problems;
  }
  const from = plan.majors[plan.writer];
  const to = plan.majors.green;
  if (from !== undefined && to !== undefined && to <= from) {
    problems.push(`green must be a newer major than ${plan.writer} (PostgreSQL ${from}), got PostgreSQL ${to}`);
  }
  return problems;
}

/** `an embedded or bindir provider`. */
function providers(names: readonly string[]): string {
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
  return `${/^[aeiou]/.test(list) ? 'an' : 'a'} ${list} provider`;
}

/** The major of a provider spec's server, when it can be known without starting it. */
export async function specMajor(spec: ProviderSpec): Promise<number | undefined> {
  if (spec.provider === 'embedded') return versionMajor(spec.version);
  if (spec.provider === 'bindir' || spec.provider === 'patroni') return bindirMajor(spec.bindir);
  return undefined;
}

/** `16` of `16.4`; undefined for anything else. */
export function versionMajor(version: string): number | undefined {
  const major = Number(version.split('.')[0]);
  return Number.isInteger(major) && major > 0 ? major : undefined;
}

/** A bindir's major from its `postgres --version`; undefined when it cannot say (provisioning then explains). */
export async function bindirMajor(bindir: string): Promise<number | undefined> {
  try {
    return (await bindirVersion(bindir)).major;
  } catch {
    return undefined;
  }
}
