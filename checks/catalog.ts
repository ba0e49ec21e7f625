import type { CheckDefinition } from './define-check.js';

/**
 * Every built-in check, in the order a suite runs them. A new check is one file and one line here.
 */
export const CATALOG: readonly CheckDefinition[] = [
  // checks are added here, one line each
] as readonly CheckDefinition<never>[];
