import { configSchema, type ResolvedConfig, type UserConfig } from './config-schema.js';
import { CutoverError } from './errors.js';

/** Declares a configuration in `cutover.config.ts`; returns it unchanged, typed. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** Validates a configuration object; errors name the option, what was expected and what was given. */
export function resolveConfig(input: unknown, source = 'configuration'): ResolvedConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.join('.') || '(root)';
    throw new CutoverError('config', `${source}: option "${path}": ${first?.message ?? 'invalid'}`, {
      message: `${source}: invalid configuration\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
    });
  }
  return Object.freeze(parsed.data);
}

/** Loads `cutover.config.ts|js|mjs|yaml|yml|json`. Implemented in config-file.ts. */
export { loadConfigFile } from './config-file.js';
