/** The public API for configuration files and extensions. */
export { defineConfig, type UserConfig } from './core/config.js';
export { defineCheck, type CheckDefinition, type CheckContext } from './checks/define-check.js';
