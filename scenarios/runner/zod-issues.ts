import type { z } from 'zod';
import { valueAt, shortJson } from '../../core/issue-values.js';

type Issue = z.core.$ZodIssue;

/**
 * One line per zod issue: the field path, what was expected (zod's message) and the value given,
 * so a scenario file's author sees which field to fix without reading a stack trace.
 */
export function describeIssues(error: z.ZodError, input: unknown, prefix = 'field'): string[] {
  return error.issues.flatMap((issue) => unionBranch(issue, [])).map(({ issue, path }) => {
    const text = path.map(String).join('.');
    const given = issue.code === 'unrecognized_keys' ? undefined : valueAt(input, path);
    const got = given === undefined ? '' : `, got ${shortJson(given)}`;
    return `${text ? `${prefix} "${text}"` : '(root)'}: ${issue.message}${got}`;
  });
}

/**
 * A union (`soak: {...} | false`) fails as a whole with "Invalid input"; when exactly one of its
 * branches accepted the value's type, that branch's own issues say what is wrong inside it.
 */
function unionBranch(issue: Issue, parent: PropertyKey[]): { issue: Issue; path: PropertyKey[] }[] {
  const path = [...parent, ...issue.path];
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !Array.isArray(issue.errors)) return [{ issue, path }];
  const typed = (issue.errors as Issue[][]).filter((branch) => !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')));
  const [only] = typed;
  if (typed.length !== 1 || !only) return [{ issue, path }];
  return only.flatMap((inner) => unionBranch(inner, path));
}
