export { runScenario, type RunScenarioOptions, type ScenarioResult } from './run-scenario.js';
export { runStep, skippedStep, stepName, stepDirName, type RunServices } from './run-step.js';
export { seedDataset } from './seed-dataset.js';
export { redactScenario } from './redact-scenario.js';
