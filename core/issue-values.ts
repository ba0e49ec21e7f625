import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** The value at a zod issue's path in the input, for error messages that say what was given. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A given value as short JSON (60 characters at most) for an error message. */
export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A field path as a user reads it: `custom[1].expect`. Array items are counted from 1, as
 * scenario steps are, so that every number in a message means the same thing.
 */
export function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key + 1}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

/** How one issue is shown: how its path is named (`option "x"`, `step 2: field "y"`). */
export type NamePath = (path: readonly PropertyKey[]) => string;

/**
 * One line per zod issue: the field path, what was expected and the value given, so a file's
 * author sees every field to fix at once, without a stack trace.
 */
export function describeZodIssues(error: z.ZodError, input: unknown, namePath: NamePath): string[] {
  return error.issues.flatMap((issue) => unionBranch(issue, [])).map(({ issue, path, message }) => {
    const given = issue.code === 'unrecognized_keys' ? undefined : valueAt(input, path);
    // Some messages already say what was given (a duration's own check): never say it twice.
    const got = given === undefined || /\bgot\b/.test(message) ? '' : `, got ${shortJson(given)}`;
    return `${namePath(path)}: ${message}${got}`;
  });
}

interface Described {
  issue: Issue;
  path: PropertyKey[];
  message: string;
}

/**
 * A union (`soak: {...} | false`, `expect: 'empty' | 'nonEmpty' | {...}`) fails as a whole with
 * zod's "Invalid input": when exactly one branch accepted the value's type, that branch's own
 * issues say what is wrong inside it; when none did, the message lists what each branch accepts.
 */
function unionBranch(issue: Issue, parent: PropertyKey[]): Described[] {
  const path = [...parent, ...issue.path];
  if (issue.code !== 'invalid_union' || !('errors' in issue) || !Array.isArray(issue.errors)) return [{ issue, path, message: issue.message }];
  const branches = issue.errors as Issue[][];
  const rootMismatch = (i: Issue) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const typed = branches.filter((branch) => !branch.some(rootMismatch));
  const [only] = typed;
  if (typed.length === 1 && only) return only.flatMap((inner) => unionBranch(inner, path));
  const allowed = branches.flatMap((branch) => branch.filter(rootMismatch).map(accepted)).filter((a): a is string => a !== undefined);
  const unique = [...new Set(allowed)];
  if (typed.length > 0 || unique.length === 0) return [{ issue, path, message: issue.message }];
  return [{ issue, path, message: `expected ${unique.length === 1 ? unique[0] : `one of ${unique.join(', ')}`}` }];
}

/** What a union branch accepts, from its root issue: `"empty"`, `a number`, `an object`. */
function accepted(issue: Issue): string | undefined {
  if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v)).join(', ');
  if (issue.code === 'invalid_type') return /^[aeiou]/.test(issue.expected) ? `an ${issue.expected}` : `a ${issue.expected}`;
  return undefined;
}
