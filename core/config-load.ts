import { configSchema, type ResolvedConfig, type UserConfig } from './config-schema.js';
import { describeZodIssues, pathText } from './issue-values.js';
import { CutoverError } from './errors.js';

/** Declares a configuration in `cutover.config.ts`; returns it unchanged, typed. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** Validates a configuration object; errors name the option, what was expected and what was given. */
export function resolveConfig(input: unknown, source = 'configuration'): ResolvedConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = describeZodIssues(parsed.error, input, (path) => `option "${pathText(path) || '(root)'}"`).map((line) => `${source}: ${line}`);
    throw new CutoverError('config', problems[0] ?? `${source}: invalid`, {
      message: `${source}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}`,
      problems,
    });
  }
  return Object.freeze(parsed.data);
}

/** Loads `cutover.config.ts|js|mjs|yaml|yml|json`. Implemented in config-file.ts. */
export { loadConfigFile } from './config-file.js';
