import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { createJiti } from 'jiti';
import { CutoverError, errorInfo, errorLine } from './errors.js';
import { resolveConfig } from './config-load.js';
import type { ResolvedConfig } from './config-schema.js';

/**
 * Loads and validates a configuration file: TypeScript or JavaScript (default export), YAML or JSON.
 * `label` names it in errors as the user gave it: `--config FILE` by default, the file's path when
 * it was found in the working directory.
 */
export async function loadConfigFile(path: string, label = `--config ${path}`): Promise<ResolvedConfig> {
  const file = resolve(path);
  const ext = extname(file).toLowerCase();
  let raw: unknown;
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    try {
      const jiti = createJiti(pathToFileURL(file).href, { interopDefault: true, moduleCache: false });
      raw = await jiti.import(file, { default: true });
    } catch (error) {
      throw new CutoverError('config', `${label}: cannot load: ${errorLine(error)}`, {
        cause: error,
        message: `${label}: cannot load: ${errorInfo(error).message}`,
      });
    }
  } else if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new CutoverError('config', `${label}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        cause: error,
      });
    }
    try {
      raw = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      const what = `${label}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}`;
      // The terminal gets the parser's first line; the full message keeps its pointer into the file.
      throw new CutoverError('config', `${what}: ${errorLine(error)}`, { cause: error, message: `${what}: ${errorInfo(error).message}` });
    }
  } else {
    throw new CutoverError('config', `${label}: expected a .ts, .js, .mjs, .yaml, .yml or .json file`);
  }
  return resolveConfig(raw, path);
}
