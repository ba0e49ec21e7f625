import { errorLine, errorRecord } from '../../core/errors.js';
import type { Session } from '../../core/session.js';
import type { UninspectedDatabase } from '../each-database.js';
import type { UpgradeCheckDefinition, UpgradeObject, UpgradeSeverity } from './upgrade-check.js';
import type { VersionPair } from './versions.js';

/** Objects kept per rule; a rule that finds more says how many were left out. */
export const MAX_OBJECTS_PER_CHECK = 100;

/** A rule's query that failed, in one database or for the cluster. */
export interface UpgradeQueryError {
  database?: string;
  message: string;
  sqlState?: string;
  detail?: string;
  hint?: string;
}

/** The outcome of one rule, as stored in the snapshot. */
export interface UpgradeCheckResult {
  id: string;
  title: string;
  pgUpgrade: string;
  severity: UpgradeSeverity;
  when: string;
  /** Whether pg_upgrade of this target runs the rule on this source. */
  applies: boolean;
  /**
   * Applies, looked everywhere and found nothing. An `info` rule passes whenever it could look:
   * what it lists is for people to act on, not a violation.
   */
  passed: boolean;
  objects: UpgradeObject[];
  /** Objects found beyond MAX_OBJECTS_PER_CHECK. */
  omitted?: number;
  facts?: Record<string, unknown>;
  errors?: UpgradeQueryError[];
  advice: string;
}

export interface RunUpgradeChecksOptions {
  checks: readonly UpgradeCheckDefinition[];
  versions: VersionPair;
  /** The session cluster-wide rules run on. */
  cluster: Session;
  /** The databases pg_upgrade would visit. */
  databases: readonly string[];
  /** A read-only session on a database; throws when the database cannot be opened. */
  connect(database: string): Promise<Session>;
  /** Called when a database's rules are done with its session (to close one not kept). */
  release?(database: string, session: Session): Promise<void>;
}

interface Collected {
  objects: UpgradeObject[];
  facts?: Record<string, unknown>;
  errors: UpgradeQueryError[];
}

/**
 * Runs every rule that applies to the version pair: cluster rules once, database rules in every
 * database. A query that fails is recorded on its rule; a database that cannot be opened is
 * listed as uninspected. Nothing here throws for a finding.
 */
export async function runUpgradeChecks(
  options: RunUpgradeChecksOptions,
): Promise<{ results: UpgradeCheckResult[]; uninspected: UninspectedDatabase[] }> {
  const { versions } = options;
  const applicable = options.checks.filter((c) => c.appliesTo(versions));
  const collected = new Map<string, Collected>(applicable.map((c) => [c.id, { objects: [], errors: [] }]));

  const run = async (check: UpgradeCheckDefinition, into: Collected, session: Session, database?: string) => {
    try {
      const rows = check.query ? await session.query(check.query(versions)) : [];
      const ctx = database === undefined ? { ...versions } : { ...versions, database };
      into.objects.push(...check.interpret(rows, ctx));
      if (check.facts) into.facts = check.facts(rows, ctx);
    } catch (error) {
      const record = errorRecord(error);
      into.errors.push({
        ...(database === undefined ? {} : { database }),
        message: record.message,
        ...(record.sqlState ? { sqlState: record.sqlState } : {}),
        ...(record.detail ? { detail: record.detail } : {}),
        ...(record.hint ? { hint: record.hint } : {}),
      });
    }
  };

  for (const check of applicable) {
    const into = collected.get(check.id);
    if (check.scope === 'cluster' && into) await run(check, into, options.cluster);
  }

  const uninspected: UninspectedDatabase[] = [];
  const perDatabase = applicable.filter((c) => c.scope === 'database');
  if (perDatabase.length > 0) {
    for (const database of options.databases) {
      let session: Session;
      try {
        session = database === options.cluster.endpoint.database ? options.cluster : await options.connect(database);
      } catch (error) {
        uninspected.push({ database, reason: errorLine(error) || 'cannot connect' });
        continue;
      }
      try {
        for (const check of perDatabase) {
          const into = collected.get(check.id);
          if (into) await run(check, into, session, database);
        }
      } finally {
        if (session !== options.cluster) await options.release?.(database, session);
      }
    }
  }

  const results = options.checks.map((check): UpgradeCheckResult => {
    const base = {
      id: check.id,
      title: check.title,
      pgUpgrade: check.pgUpgrade,
      severity: check.severity,
      when: check.when,
      advice: check.advice,
    };
    const into = collected.get(check.id);
    if (!into) return { ...base, applies: false, passed: true, objects: [] };
    const objects = into.objects.slice(0, MAX_OBJECTS_PER_CHECK);
    const clean = into.errors.length === 0 && (check.severity === 'info' || into.objects.length === 0);
    return {
      ...base,
      applies: true,
      passed: clean,
      objects,
      ...(into.objects.length > objects.length ? { omitted: into.objects.length - objects.length } : {}),
      ...(into.facts ? { facts: into.facts } : {}),
      ...(into.errors.length ? { errors: into.errors } : {}),
    };
  });
  return { results, uninspected };
}
