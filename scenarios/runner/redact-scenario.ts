import { redactUrl } from '../../core/redact-url.js';
import type { BlueSpec, Scenario } from '../scenario-types.js';

/**
 * The scenario as run.json keeps it: passwords in URLs and in setup SQL (`PASSWORD '…'`) replaced
 * by `***`, and the values of the environment a command step sets (API keys, tokens) never written.
 */
export function redactScenario(scenario: Scenario): Record<string, unknown> {
  const spec = (s: BlueSpec | undefined) => (s?.provider === 'external' ? { ...s, url: redactUrl(s.url) } : s);
  return {
    ...scenario,
    blue: spec(scenario.blue),
    ...(scenario.green ? { green: spec(scenario.green) } : {}),
    ...(scenario.setup ? { setup: scenario.setup.map((e) => (typeof e === 'string' ? redactSql(e) : { ...e, sql: redactSql(e.sql) })) } : {}),
    steps: scenario.steps.map((step) => {
      const env = step.env;
      if (typeof env !== 'object' || env === null) return step;
      return { ...step, env: Object.fromEntries(Object.keys(env).map((k) => [k, '***'])) };
    }),
  };
}

/**
 * `PASSWORD 'secret'` (CREATE/ALTER ROLE or USER, and a user mapping's `password 'secret'`
 * option) with the literal replaced, in its plain, E'' and dollar-quoted forms; and the secrets a
 * connection string inside a literal carries (CREATE SUBSCRIPTION … CONNECTION, dblink):
 * `password=secret` and a URI's `user:secret@`.
 */
export function redactSql(sql: string): string {
  return sql
    .replace(/(\bpassword\s+)([Ee]'(?:[^'\\]|''|\\[\s\S])*'|'(?:[^']|'')*'|\$([A-Za-z_]*)\$[\s\S]*?\$\3\$)/gi, "$1'***'")
    .replace(/(\bpassword\s*=\s*)[^\s']+/gi, '$1***')
    .replace(/(:\/\/[^:/@\s']+:)[^@\s']+@/g, '$1***@');
}
