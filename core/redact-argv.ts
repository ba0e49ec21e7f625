import { redactUrl } from './redact-url.js';

/** Options whose next argument is a secret as a whole. */
const SECRET_OPTIONS = /^--?(password|pass|token|secret)$/i;

/**
 * A command line with its secrets replaced by `***`: passwords inside connection URIs and
 * `keyword=value` strings (`--db=postgres://u:pw@h/db` included), and the value of an option
 * named like a password. For run.json and reports.
 */
export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    if (i > 0 && SECRET_OPTIONS.test(argv[i - 1] ?? '')) return '***';
    const eq = /^(--?[A-Za-z][\w-]*=)([\s\S]*)$/.exec(arg);
    if (eq) return SECRET_OPTIONS.test(eq[1]!.slice(0, -1)) ? `${eq[1]}***` : eq[1] + redactValue(eq[2]!);
    return redactValue(arg);
  });
}

function redactValue(value: string): string {
  return /:\/\/|password\s*=/i.test(value) ? redactUrl(value) : value;
}
