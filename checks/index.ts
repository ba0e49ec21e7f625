export * from './define-check.js';
export * from './snapshot.js';
export { runSuite, type RunSuiteOptions } from './suite.js';
export { selectChecks, matchesPattern } from './select.js';
export { CATALOG } from './catalog.js';
