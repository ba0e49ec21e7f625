import type { z } from 'zod';
import { describeZodIssues, pathText } from '../../core/issue-values.js';

/**
 * One line per zod issue of a scenario: the field path, what was expected and the value given;
 * a field of a step is named by the step's number (`step 2: field "timeout"`), counted from 1.
 */
export function describeIssues(error: z.ZodError, input: unknown, prefix = 'field'): string[] {
  return describeZodIssues(error, input, (path) => {
    const [head, index, ...rest] = path;
    if (head === 'steps' && typeof index === 'number') return `step ${index + 1}${rest.length ? `: ${prefix} "${pathText(rest)}"` : ''}`;
    const text = pathText(path);
    return text ? `${prefix} "${text}"` : '(root)';
  });
}
