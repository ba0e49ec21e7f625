import { configSchema, type ResolvedConfig, type UserConfig } from './config-schema.js';
import { valueAt, shortJson } from './issue-values.js';
import { CutoverError } from './errors.js';

/** Declares a configuration in `cutover.config.ts`; returns it unchanged, typed. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** Validates a configuration object; errors name the option, what was expected and what was given. */
export function resolveConfig(input: unknown, source = 'configuration'): ResolvedConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const describe = (issue: (typeof parsed.error.issues)[number]) => {
      const path = issue.path.join('.') || '(root)';
      const given = valueAt(input, issue.path);
      const got = given === undefined ? '' : `, got ${shortJson(given)}`;
      return `option "${path}": ${issue.message}${got}`;
    };
    const first = parsed.error.issues[0];
    throw new CutoverError('config', `${source}: ${first ? describe(first) : 'invalid'}`, {
      message: `${source}: invalid configuration\n${parsed.error.issues.map((i) => `  ${describe(i)}`).join('\n')}`,
    });
  }
  return Object.freeze(parsed.data);
}

/** Loads `cutover.config.ts|js|mjs|yaml|yml|json`. Implemented in config-file.ts. */
export { loadConfigFile } from './config-file.js';
