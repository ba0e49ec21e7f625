export { configSchema, type UserConfig, type ResolvedConfig } from './config-schema.js';
export { defineConfig, resolveConfig, loadConfigFile } from './config-load.js';
