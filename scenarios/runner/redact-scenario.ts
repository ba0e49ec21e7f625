import { redactUrl } from '../../core/redact-url.js';
import type { BlueSpec, Scenario } from '../scenario-types.js';

/**
 * The scenario as run.json keeps it: passwords in URLs replaced by `***`, and the values of the
 * environment a command step sets (API keys, tokens) never written.
 */
export function redactScenario(scenario: Scenario): Record<string, unknown> {
  const spec = (s: BlueSpec | undefined) => (s?.provider === 'external' ? { ...s, url: redactUrl(s.url) } : s);
  return {
    ...scenario,
    blue: spec(scenario.blue),
    ...(scenario.green ? { green: spec(scenario.green) } : {}),
    steps: scenario.steps.map((step) => {
      const env = step.env;
      if (typeof env !== 'object' || env === null) return step;
      return { ...step, env: Object.fromEntries(Object.keys(env).map((k) => [k, '***'])) };
    }),
  };
}
