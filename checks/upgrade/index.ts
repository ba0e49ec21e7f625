import type { UpgradeCheckDefinition } from './upgrade-check.js';
import { clusterVersions } from './cluster-versions.js';
import { databaseConnections } from './database-connections.js';
import { template0Connections } from './template0-connections.js';
import { installUser } from './install-user.js';
import { preparedTransactions } from './prepared-transactions.js';
import { isnInt8Passing } from './isn-int8-passing.js';
import { logicalSlotsInvalid } from './logical-slots-invalid.js';
import { logicalSlotsPending } from './logical-slots-pending.js';
import { logicalSlotsMigrated } from './logical-slots-migrated.js';
import { logicalSlotsNotMigrated } from './logical-slots-not-migrated.js';
import { subscriptionOrigins } from './subscription-origins.js';
import { subscriptionRelState } from './subscription-rel-state.js';
import { subscriptionsNotMigrated } from './subscriptions-not-migrated.js';
import { compositeTypes } from './composite-types.js';
import { regTypes } from './reg-types.js';
import { aclitemType } from './aclitem-type.js';
import { lineType } from './line-type.js';
import { unknownType } from './unknown-type.js';
import { sqlIdentifierType } from './sql-identifier-type.js';
import { jsonb94Type } from './jsonb-9-4-type.js';
import { abstimeType } from './abstime-type.js';
import { reltimeType } from './reltime-type.js';
import { tintervalType } from './tinterval-type.js';
import { unicodeUpdate } from './unicode-update.js';
import { encodingConversions } from './encoding-conversions.js';
import { postfixOperators } from './postfix-operators.js';
import { incompatiblePolymorphics } from './incompatible-polymorphics.js';
import { tablesWithOids } from './tables-with-oids.js';
import { notNullInheritance } from './not-null-inheritance.js';
import { pgRolePrefix } from './pg-role-prefix.js';
import { globalNames } from './global-names.js';
import { dataChecksums } from './data-checksums.js';
import { loadableLibraries } from './loadable-libraries.js';

/**
 * Every pg_upgrade compatibility rule, roughly in the order pg_upgrade's `--check` runs them.
 * A new rule is one file and one line here.
 */
export const UPGRADE_CHECKS: readonly UpgradeCheckDefinition[] = [
  clusterVersions,
  databaseConnections,
  template0Connections,
  installUser,
  preparedTransactions,
  isnInt8Passing,
  logicalSlotsInvalid,
  logicalSlotsPending,
  logicalSlotsMigrated,
  logicalSlotsNotMigrated,
  subscriptionOrigins,
  subscriptionRelState,
  subscriptionsNotMigrated,
  compositeTypes,
  regTypes,
  aclitemType,
  lineType,
  unknownType,
  sqlIdentifierType,
  jsonb94Type,
  abstimeType,
  reltimeType,
  tintervalType,
  unicodeUpdate,
  encodingConversions,
  postfixOperators,
  incompatiblePolymorphics,
  tablesWithOids,
  notNullInheritance,
  pgRolePrefix,
  globalNames,
  dataChecksums,
  loadableLibraries,
];

export * from './upgrade-check.js';
export * from './versions.js';
export {
  runUpgradeChecks,
  MAX_OBJECTS_PER_CHECK,
  type UpgradeCheckResult,
  type UpgradeQueryError,
  type RunUpgradeChecksOptions,
} from './run-upgrade-checks.js';
