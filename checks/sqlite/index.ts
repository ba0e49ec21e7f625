export { runSqliteSuite, type SqliteSuiteOptions } from './sqlite-suite.js';
export { sqliteFindings, SQLITE_CHECK_ID } from './sqlite-findings.js';
export * from './sqlite-snapshot.js';
export { expectedClasses, type StorageClass } from './storage-classes.js';
