/** Scenarios: what a rehearsal or a watched upgrade runs, and the runner that runs it. */
export { defineScenario, scenarioSchema, providerSpecSchema, type Scenario, type ScenarioInput, type ProviderSpec, type StepSpec } from './scenario-types.js';
export { loadScenarioFile, validateScenario } from './scenario-file.js';
export { ACTIONS, actionByName, defineAction, parseStep, type ActionContext, type ActionDefinition } from './actions/index.js';
export { runScenario, type RunScenarioOptions, type ScenarioResult } from './runner/index.js';
export { provisionCluster, type ProvisionedCluster } from './topology/provision.js';
export { findLab, type LabInstallations } from './providers/lab-installations.js';
