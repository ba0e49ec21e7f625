/** What replaces a secret in a snapshot. */
export const MASK = '********';

// Names that hold a secret outright (extension settings such as `myext.api_token` included).
const SECRET_NAME = /passw(or)?d|passphrase|secret|token|credential|api_?key|private_?key/i;
// Names that look secret but hold policy, not a secret.
const NOT_SECRET = new Set(['password_encryption', 'md5_password_warnings']);

// Secrets inside longer values: conninfo `password=…`, URI `user:pass@`, `FOO_SECRET=…` in commands.
const EMBEDDED: [RegExp, string][] = [
  [/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, `$1${MASK}`],
  [/(:\/\/[^:/@\s]+:)[^@\s]+@/g, `$1${MASK}@`],
  [/(\b[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|_KEY)[A-Z0-9_]*=)(\S+)/g, `$1${MASK}`],
];

/**
 * The value of a setting as it may be written to a snapshot: settings that hold a secret are
 * masked whole, and secrets embedded in other values (a password in `primary_conninfo`, a key
 * in `archive_command`) are masked in place. `masked` says whether anything was hidden.
 */
export function redactSetting(name: string, value: string | null): { value: string | null; masked: boolean } {
  if (value === null || value === '') return { value, masked: false };
  if (!NOT_SECRET.has(name) && SECRET_NAME.test(name)) return { value: MASK, masked: true };
  let redacted = value;
  for (const [pattern, replacement] of EMBEDDED) redacted = redacted.replace(pattern, replacement);
  return { value: redacted, masked: redacted !== value };
}
