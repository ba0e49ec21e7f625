/** The public API for configuration files and extensions. */
export { defineConfig, type UserConfig } from './core/config.js';
export { defineWorkload, type WorkloadDefinition, type OperationDefinition } from './load/workload-types.js';
export { defineCheck, type CheckDefinition, type CheckContext } from './checks/define-check.js';
export { defineScenario, type ScenarioInput } from './scenarios/scenario-types.js';
export { defineAction, type ActionDefinition, type ActionContext } from './scenarios/actions/action-types.js';
