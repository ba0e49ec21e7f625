import type { CheckDefinition } from './define-check.js';
import { serverCheck } from './server-identity.js';
import { databasesCheck } from './databases.js';
import { extensionsCheck } from './extensions.js';
import { extensionObjectsCheck } from './extension-objects.js';
import { pgvectorCheck } from './pgvector.js';
import { pgTviewsCheck } from './pg-tviews.js';
import { rolesCheck } from './roles.js';
import { schemaCheck } from './schema-inventory.js';
import { rowCountsCheck } from './row-counts.js';
import { replicationCheck } from './replication-check.js';
import { activityCheck } from './activity.js';
import { upgradeReadiness } from './upgrade-readiness.js';
import { explainBaselines } from './explain-baselines.js';
import { customSql } from './custom-sql.js';
import { bluegreenSettingsCheck } from './bluegreen-settings.js';
import { bluegreenObjectsCheck } from './bluegreen-objects.js';
import { bluegreenActivityCheck } from './bluegreen-activity.js';

/**
 * Every built-in check, in the order a suite runs them. A new check is one file and one line here.
 */
export const CATALOG: readonly CheckDefinition[] = [
  // checks are added here, one line each
  serverCheck,
  databasesCheck,
  extensionsCheck,
  extensionObjectsCheck,
  pgvectorCheck,
  pgTviewsCheck,
  rolesCheck,
  schemaCheck,
  rowCountsCheck,
  replicationCheck,
  activityCheck,
  upgradeReadiness,
  explainBaselines,
  customSql,
  bluegreenSettingsCheck,
  bluegreenObjectsCheck,
  bluegreenActivityCheck,
];
