import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { parse as parseYaml } from 'yaml';
import { CutoverError, errorInfo, errorLine } from '../core/errors.js';
import { tryParseStep } from './actions/registry.js';
import { checkScenarioRules } from './scenario-rules.js';
import { describeIssues } from './runner/zod-issues.js';
import { scenarioSchema, type Scenario, type StepSpec } from './scenario-types.js';

/** Loads a scenario file — `.ts`/`.js` (default export, e.g. `defineScenario({...})`), `.yaml`/`.yml` or `.json` — and validates it. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const scenario = validateScenario(await readScenarioFile(path), path);
  await checkScenarioRules(scenario, path);
  return scenario;
}

/**
 * Validates a scenario and every step's parameters before anything runs; errors name the file,
 * the field path, what was expected and what was given.
 */
export function validateScenario(raw: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  const problems = parsed.success ? [] : describeIssues(parsed.error, raw).map((line) => `${source}: ${line}`);
  // Steps are checked even when another field is wrong: every problem of the file at once.
  const steps = parsed.success ? parsed.data.steps : rawSteps(raw);
  steps.forEach((step, i) => {
    if (!step) return;
    const result = tryParseStep(step, i, source);
    if ('problems' in result) problems.push(...result.problems);
  });
  const [first] = problems;
  if (first !== undefined || !parsed.success) {
    throw new CutoverError('config', first ?? `${source}: invalid scenario`, { message: problems.join('\n'), problems });
  }
  return parsed.data;
}

/** The steps of an invalid scenario that name an action, by position (the others have their schema issue). */
function rawSteps(raw: unknown): (StepSpec | undefined)[] {
  const steps = typeof raw === 'object' && raw !== null ? (raw as { steps?: unknown }).steps : undefined;
  if (!Array.isArray(steps)) return [];
  return steps.map((s: unknown) => (typeof s === 'object' && s !== null && typeof (s as StepSpec).action === 'string' && (s as StepSpec).action !== '' ? (s as StepSpec) : undefined));
}

async function readScenarioFile(path: string): Promise<unknown> {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  if (['.ts', '.mts', '.js', '.mjs', '.cjs'].includes(ext)) {
    try {
      // The same loader as configuration files: TypeScript without a build step.
      const jiti = createJiti(pathToFileURL(file).href, { interopDefault: true, moduleCache: false });
      return await jiti.import(file, { default: true });
    } catch (error) {
      throw new CutoverError('config', `${path}: cannot load: ${errorLine(error)}`, { cause: error, message: `${path}: cannot load: ${errorInfo(error).message}` });
    }
  }
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw new CutoverError('usage', `SCENARIO_FILE: expected a .ts, .js, .mjs, .yaml, .yml or .json file, got "${path}"`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CutoverError('input', `${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  try {
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const what = `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}`;
    // The terminal gets the parser's first line; the full message keeps its pointer into the file.
    throw new CutoverError('config', `${what}: ${errorLine(error)}`, { cause: error, message: `${what}: ${errorInfo(error).message}` });
  }
}
