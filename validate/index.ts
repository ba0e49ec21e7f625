export { validateData, DEFAULT_EXCLUDED_SCHEMAS, DEFAULT_JOBS, type ValidateOptions, type ValidationProgress } from './run-validation.js';
export { parseTablePattern, parseTablePatterns, type TablePattern } from './table-patterns.js';
export { parseTableGroup, parseTableGroups, type TableGroup } from './table-groups.js';
export { MAX_JOBS } from './side-sessions.js';
export { canonicalForm, compareForms, builtInForms, SESSION_SETTINGS, type CanonicalForm, type TypeInfo } from './canonical.js';
export { tableResult, summariseTables, keyText, sideEngine, sidePlace } from './result.js';
export type { ValidationSide, ValidationResult, TableResult, ValidationSummary, ChangedRow, KeyedRow, MultisetRow, ShownValue } from './result.js';
