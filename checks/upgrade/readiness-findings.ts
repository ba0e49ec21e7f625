import type { FindingInput } from '../finding.js';
import type { UninspectedDatabase } from '../each-database.js';
import type { UpgradeCheckResult } from './run-upgrade-checks.js';
import type { UpgradeObject } from './upgrade-check.js';
import { formatMajor } from './versions.js';

/** What `upgrade.compat` stores: the versions compared and the outcome of every rule. */
export interface UpgradeReadinessData {
  source: { version: string; major: number };
  /** `from: 'default'` when the configuration names no target and the newest known major is used. */
  target: { major: number; from: 'config' | 'default'; note?: string };
  /** The databases the per-database rules ran in (every one pg_upgrade would visit). */
  databases: string[];
  uninspected: UninspectedDatabase[];
  checks: UpgradeCheckResult[];
}

/** `appdb: public.t.handler (detail)`. */
export function describeObject(o: UpgradeObject): string {
  return `${o.database ? `${o.database}: ` : ''}${o.object}${o.detail ? ` (${o.detail})` : ''}`;
}

/** `appdb: public.t.handler`, without the detail: what a finding's `object` names. */
function objectName(o: UpgradeObject): string {
  return `${o.database ? `${o.database}: ` : ''}${o.object}`;
}

function sample(result: UpgradeCheckResult, size = 3): string {
  const total = result.objects.length + (result.omitted ?? 0);
  const shown = result.objects.slice(0, size).map(describeObject).join('; ');
  return total > size ? `${shown}; and ${total - size} more` : shown;
}

/**
 * The severity of a rule's finding for the upgrade this snapshot judged. Only an upgrade someone
 * asked for may warn: with no target configured (the newest major was assumed), an advisory is
 * information, while a refusal stays a failure, since the rules that refuse at the newest major
 * hold for nearer ones too. A target of the source's own major is a minor upgrade, which does not
 * run pg_upgrade at all: everything is information for a later major upgrade.
 */
function severityFor(data: UpgradeReadinessData, severity: UpgradeCheckResult['severity']): UpgradeCheckResult['severity'] {
  if (data.target.major === data.source.major) return 'info';
  if (data.target.from === 'default' && severity === 'warn') return 'info';
  return severity;
}

/** Findings from one snapshot of `upgrade.compat`: one per rule that found something. */
export function readinessFindings(data: UpgradeReadinessData): FindingInput[] {
  const target = formatMajor(data.target.major);
  const findings: FindingInput[] = [];
  const minor = data.target.major === data.source.major;
  if (data.target.from === 'default') {
    findings.push({
      key: 'target-defaulted',
      severity: 'info',
      message: `no upgrade.targetMajor configured: checked for an upgrade to PostgreSQL ${target}, the newest major cutover knows; its advisories are information, not warnings`,
      details: { targetMajor: data.target.major },
    });
  } else if (minor) {
    findings.push({
      key: 'target-same-major',
      severity: 'info',
      message: `the target is PostgreSQL ${target}, the source's own major: a minor upgrade does not run pg_upgrade, so what these rules find is information for a later major upgrade`,
      details: { targetMajor: data.target.major },
    });
  }
  for (const u of data.uninspected) {
    findings.push({
      key: `uninspected:${u.database}`,
      severity: 'warn',
      message: `pg_upgrade compatibility not checked in database ${u.database}: ${u.reason}`,
      object: u.database,
    });
  }
  for (const result of data.checks) {
    if (!result.applies) continue;
    for (const e of result.errors ?? []) {
      findings.push({
        key: `${result.id}:error${e.database ? `:${e.database}` : ''}`,
        severity: 'warn',
        message: `could not check "${result.title}"${e.database ? ` in ${e.database}` : ''}: ${e.message}`,
        details: { ...e, pgUpgrade: result.pgUpgrade },
      });
    }
    const total = result.objects.length + (result.omitted ?? 0);
    if (total === 0) continue;
    const severity = severityFor(data, result.severity);
    const unasked = severity !== result.severity ? (minor ? ' (a later major upgrade; not this minor one)' : ' (no target configured)') : '';
    const lead =
      result.severity === 'fail'
        ? `pg_upgrade to ${target}${unasked} would refuse: ${result.title}`
        : result.severity === 'warn'
          ? `pg_upgrade to ${target}${unasked}: ${result.title}`
          : `for pg_upgrade to ${target}: ${result.title}`;
    findings.push({
      key: result.id,
      severity,
      message: `${lead}${total > 1 ? ` (${total} objects)` : ''}: ${sample(result)}`,
      object: result.objects[0] ? objectName(result.objects[0]) : undefined,
      details: {
        objects: result.objects,
        ...(result.omitted ? { omitted: result.omitted } : {}),
        advice: result.advice,
        pgUpgrade: result.pgUpgrade,
        when: result.when,
      },
    });
  }
  return findings;
}
