import { copyFile, readFile, readdir, chmod } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { runCommand } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';
import { copyInstallation, installationOf, type Installation } from './installation.js';

/**
 * An extension built outside the installation (a pgrx build, `make install DESTDIR=`…), copied into
 * a copy of it: `lib/*.so` into `$libdir`, `extension/*` (control, SQL, upgrade scripts) into
 * `share/extension`. scripts/pg-tviews.sh lays its builds out this way.
 */
export const extensionSourceSchema = z
  .object({
    from: z.string().min(1).describe('A directory with `lib/*.so` and `extension/*` (control and SQL files) built for this major; relative to the working directory.'),
    preload: z.boolean().default(false).describe("Adds the directory's libraries to `shared_preload_libraries` (pg_tviews needs it)."),
  })
  .strict();
export type ExtensionSource = z.output<typeof extensionSourceSchema>;

/** What a copy with extensions holds. */
export interface ExtendedInstallation extends Installation {
  /** Libraries to preload (names without `.so`), from the sources with `preload: true`. */
  preload: string[];
  /** Extension names (their control files) installed. */
  extensions: string[];
}

/**
 * Copies the installation of `bindir` into `dest` and installs every source into the copy; the
 * original (an npm package's, a system's) is never written. `field` names the option in errors.
 */
export async function installationWithExtensions(bindir: string, sources: readonly ExtensionSource[], dest: string, field: string): Promise<ExtendedInstallation> {
  const original = await installationOf(bindir);
  const major = await installationMajor(original.bindir);
  const checked = [];
  for (const [i, source] of sources.entries()) checked.push(await readSource(source, `${field}[${i}]`, major));
  const copy = await copyInstallation(original, dest);
  // A copy whose programs load libraries from outside what was copied does not run: say so now.
  await installationMajor(copy.bindir).catch((error: unknown) => {
    throw new CutoverError('provision', `${field}: the copy of ${original.bindir}'s installation (in ${dest}) does not run; install the extension into that installation itself and give its bindir`, { cause: error });
  });
  const preload: string[] = [];
  const extensions: string[] = [];
  for (const source of checked) {
    for (const lib of source.libraries) {
      await copyFile(join(source.dir, 'lib', `${lib}.so`), join(copy.pkglibdir, `${lib}.so`));
      await chmod(join(copy.pkglibdir, `${lib}.so`), 0o755);
    }
    for (const file of source.files) {
      await copyFile(join(source.dir, 'extension', file), join(copy.sharedir, 'extension', file));
      await chmod(join(copy.sharedir, 'extension', file), 0o644);
    }
    if (source.preload) preload.push(...source.libraries);
    extensions.push(...source.extensions);
  }
  return { ...copy, preload, extensions };
}

/**
 * The problems of `extensions` sources (not a directory, no build in it, built for another major
 * than `major` when known), one line each, for the scenario's checks before any server starts.
 */
export async function extensionSourceProblems(sources: readonly ExtensionSource[], field: string, major: number | undefined): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, source] of sources.entries()) {
    try {
      await readSource(source, `${field}[${i}]`, major);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return problems;
}

/** `shared_preload_libraries` with `libraries` added (each once), from the value a server has. */
export function withPreload(current: string | undefined, libraries: readonly string[]): string {
  const list = (current ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const lib of libraries) if (!list.includes(lib)) list.push(lib);
  return list.join(',');
}

/** The major of the postgres binary in a bindir. */
export async function installationMajor(bindir: string): Promise<number> {
  const result = await runCommand(join(bindir, 'postgres'), ['--version'], { timeoutMs: 10_000 });
  const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(result.stdout)?.[1]);
  if (!Number.isInteger(major)) throw new CutoverError('provision', `${bindir}/postgres --version: expected "postgres (PostgreSQL N…)", got "${result.stdout.trim()}"`);
  return major;
}

interface CheckedSource extends ExtensionSource {
  dir: string;
  libraries: string[];
  files: string[];
  extensions: string[];
}

async function readSource(source: ExtensionSource, field: string, major: number | undefined): Promise<CheckedSource> {
  const dir = resolve(source.from);
  const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();
  if (!isDir(dir)) throw new CutoverError('usage', `${field}.from: expected a directory with lib/ and extension/, got "${source.from}" (not a directory)`);
  const libraries = isDir(join(dir, 'lib')) ? (await readdir(join(dir, 'lib'))).filter((f) => f.endsWith('.so')).map((f) => f.slice(0, -3)) : [];
  const files = isDir(join(dir, 'extension')) ? (await readdir(join(dir, 'extension'))).filter((f) => /\.(control|sql)$/.test(f)) : [];
  const extensions = files.filter((f) => f.endsWith('.control')).map((f) => f.slice(0, -'.control'.length));
  if (!libraries.length && !extensions.length) {
    throw new CutoverError('usage', `${field}.from: expected lib/*.so and extension/*.control in "${source.from}", found neither`);
  }
  if (source.preload && !libraries.length) {
    throw new CutoverError('usage', `${field}.preload: expected a library (lib/*.so) in "${source.from}" to preload, found none`);
  }
  // scripts/pg-tviews.sh records the server a build was made against (`pg_config --version`).
  const builtAgainst = join(dir, 'built-against');
  if (existsSync(builtAgainst)) {
    const text = (await readFile(builtAgainst, 'utf8')).trim();
    const built = Number(/PostgreSQL (\d+)/.exec(text)?.[1]);
    if (major !== undefined && Number.isInteger(built) && built !== major) {
      throw new CutoverError('usage', `${field}.from: expected a build for PostgreSQL ${major}, got "${source.from}" built against ${text} (a library loads only into the major it was built for)`);
    }
  }
  return { ...source, dir, libraries, files, extensions };
}
