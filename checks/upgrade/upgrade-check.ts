import type { Row } from '../../core/session.js';
import type { VersionPair } from './versions.js';

export type UpgradeSeverity = 'fail' | 'warn' | 'info';

/** One object a pg_upgrade rule found (a column, a database, a slot...). */
export interface UpgradeObject {
  /** Database the object lives in, for rules run in every database. */
  database?: string;
  /** The object, qualified as people read it: `public.orders.handler`. */
  object: string;
  /** What is wrong with it, when the object alone does not say. */
  detail?: string;
}

/** What a rule's `interpret` sees besides the rows. */
export interface InterpretContext extends VersionPair {
  database?: string;
}

/**
 * One condition pg_upgrade's `--check` verifies, expressed as SQL over a plain read-only
 * connection. R documents the columns of `query`; rows arrive from the database untyped.
 */
export interface UpgradeCheckDefinition<R extends Row = Row> {
  /** Stable id within `upgrade.compat`, kebab-case; finding keys start with it. */
  id: string;
  /** One line for people. */
  title: string;
  /** The pg_upgrade function this mirrors, so a reader can compare with check.c. */
  pgUpgrade: string;
  /** `fail`: pg_upgrade refuses; `warn`: an advisory; `info`: facts to act on by hand. */
  severity: UpgradeSeverity;
  /** `cluster`: one query for the whole server; `database`: the query runs in every database. */
  scope: 'cluster' | 'database';
  /** When pg_upgrade runs this check, in words: `source 13 or older`. */
  when: string;
  /** Whether pg_upgrade of `target` runs this check on a `source` cluster. */
  appliesTo(versions: VersionPair): boolean;
  /** The read-only SQL; absent for rules decided by the versions alone. */
  query?(versions: VersionPair): string;
  /** The objects that violate the rule (or, for `info`, that need attention), from the rows. */
  interpret(rows: R[], ctx: InterpretContext): UpgradeObject[];
  /** Facts worth keeping even when nothing is found (the install user's name...). */
  facts?(rows: R[], ctx: InterpretContext): Record<string, unknown>;
  /** What to do about a violation, in one or two sentences. */
  advice: string;
}

/** Declares one pg_upgrade compatibility rule; one file each, one line in `upgrade/index.ts`. */
export function defineUpgradeCheck<R extends Row>(definition: UpgradeCheckDefinition<R>): UpgradeCheckDefinition {
  // The runner hands every rule untyped rows; R only documents what the rule's query returns.
  return definition as unknown as UpgradeCheckDefinition;
}

/** `a.b.c` from the parts that exist. */
export function qualified(...parts: unknown[]): string {
  return parts.filter((p) => p !== null && p !== undefined && p !== '').map(String).join('.');
}
