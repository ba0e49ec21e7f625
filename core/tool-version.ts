import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The version in cutover's package.json, found from source or from dist. */
export function toolVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cutover' && pkg.version) return (cached = pkg.version);
    } catch {
      // keep looking upwards
    }
    dir = dirname(dir);
  }
  return (cached = '0.0.0');
}
