import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { CutoverError } from '../../core/errors.js';

/**
 * PostgreSQL versions shipped as npm packages (optional dependencies, aliased so several live
 * side by side). Keys are what users type: a major, or major.minor.
 */
export const EMBEDDED_PACKAGES: Record<string, string> = {
  '15': 'pg15',
  '15.18': 'pg15',
  '16': 'pg16',
  '16.14': 'pg16',
  '16.4': 'pg16-4',
  '17': 'pg17',
  '17.10': 'pg17',
};

export function embeddedVersions(): string[] {
  return Object.keys(EMBEDDED_PACKAGES);
}

/** The full version an embedded key stands for, e.g. `16` -> `16.14`, read from its package. */
export function embeddedFullVersion(version: string): string {
  const root = dirname(dirname(embeddedBindir(version)));
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
    const m = /^(\d+)\.(\d+)/.exec(pkg.version ?? '');
    if (m) return `${m[1]}.${m[2]}`;
  } catch {
    // fall through
  }
  return version;
}

/** The `bin` directory of an embedded PostgreSQL version. */
export function embeddedBindir(version: string): string {
  const pkg = EMBEDDED_PACKAGES[version];
  if (!pkg) {
    throw new CutoverError(
      'usage',
      `embedded PostgreSQL version: expected one of ${embeddedVersions().join(', ')}, got "${version}"`,
    );
  }
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    // The packages export only their JS entry; the binaries sit beside it under native/.
    root = dirname(require.resolve(pkg));
    while (!existsSync(join(root, 'native')) && dirname(root) !== root) root = dirname(root);
  } catch (error) {
    throw new CutoverError(
      'provision',
      `embedded PostgreSQL ${version} is not installed (npm package "${pkg}"); run npm install on linux-x64`,
      { cause: error },
    );
  }
  const bindir = join(root, 'native', 'bin');
  if (!existsSync(join(bindir, 'postgres'))) {
    throw new CutoverError('provision', `embedded PostgreSQL ${version}: no postgres binary in ${bindir}`);
  }
  return bindir;
}
