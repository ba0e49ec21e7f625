import type { ResolvedConfig } from '../core/config.js';
import type { CheckDefinition } from './define-check.js';

/** Whether an id matches a pattern: exact, or a prefix ending in `*`. */
export function matchesPattern(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** The checks the configuration asks for (include, then exclude). */
export function selectChecks(checks: readonly CheckDefinition[], config: ResolvedConfig): CheckDefinition[] {
  const { include, exclude } = config.checks;
  return checks.filter(
    (c) =>
      (!include || include.some((p) => matchesPattern(c.id, p))) && !exclude.some((p) => matchesPattern(c.id, p)),
  );
}
