export { compatRehearsal } from './compat-rehearsal.js';
export type { CompatRehearsalOptions, CompatResult, CompatTargetServer } from './compat-types.js';
export { RESTORE_CHECK_ID } from './restore-findings.js';
export { ROLES_CHECK_ID } from './role-findings.js';
export { PG_UPGRADE_CHECK_ID, type PgUpgradeCheckResult } from './pg-upgrade-check.js';
export { dumpSections, type DumpSection } from './dump-sections.js';
export { parsePsqlMessages, type PsqlMessage } from './psql-messages.js';
