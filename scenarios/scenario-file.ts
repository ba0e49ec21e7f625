import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { parse as parseYaml } from 'yaml';
import { CutoverError } from '../core/errors.js';
import { parseStep } from './actions/registry.js';
import { describeIssues } from './runner/zod-issues.js';
import { scenarioSchema, type Scenario } from './scenario-types.js';

/** Loads a scenario file — `.ts`/`.js` (default export, e.g. `defineScenario({...})`), `.yaml`/`.yml` or `.json` — and validates it. */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  return validateScenario(await readScenarioFile(path), path);
}

/**
 * Validates a scenario and every step's parameters before anything runs; errors name the file,
 * the field path, what was expected and what was given.
 */
export function validateScenario(raw: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error, raw).map((line) => `${source}: ${line}`);
    throw new CutoverError('config', lines[0] ?? `${source}: invalid scenario`, { message: lines.join('\n') });
  }
  parsed.data.steps.forEach((step, i) => parseStep(step, i, source));
  return parsed.data;
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
      throw new CutoverError('config', `${path}: cannot load: ${(error as Error).message.split('\n')[0]}`, { cause: error });
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
    throw new CutoverError('config', `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
}
