import { finishRun } from '../../reports/finish-run.js';
import { runScenario as runScenarioWith, type RunScenarioOptions, type ScenarioResult } from '../../scenarios/runner/run-scenario.js';
import type { Scenario } from '../../scenarios/scenario-types.js';

/** The runner as the command line wires it: closed by reports' `finishRun` (verdict, findings, report). */
export function runScenario(scenario: Scenario, options: Omit<RunScenarioOptions, 'finish'>): Promise<ScenarioResult> {
  return runScenarioWith(scenario, { ...options, finish: finishRun });
}
