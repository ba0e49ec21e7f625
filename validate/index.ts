export { validateData, DEFAULT_EXCLUDED_SCHEMAS, type ValidateOptions, type ValidationProgress } from './run-validation.js';
export { parseTablePattern, parseTablePatterns, type TablePattern } from './table-patterns.js';
export { canonicalForm, compareForms, builtInForms, SESSION_SETTINGS, type CanonicalForm, type TypeInfo } from './canonical.js';
export { tableResult, summariseTables, keyText } from './result.js';
export type { ValidationResult, TableResult, ValidationSummary, ChangedRow, KeyedRow, MultisetRow, ShownValue } from './result.js';
