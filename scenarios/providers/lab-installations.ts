import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The upgrade lab (scripts/lab.sh) leaves `lab.env` in its cache directory, naming full
 * PostgreSQL installations (pg_dump, pg_upgrade, pgvector) and PgBouncer. Users who ran it get
 * every upgrade path locally; without it, only what the embedded binaries can do.
 */
export interface LabInstallations {
  /** The `lab.env` file read. */
  readonly file: string;
  /** Every variable of `lab.env`. */
  readonly env: Readonly<Record<string, string>>;
  /** The bindir of the lab's full installation of a major (15, 16, 17, 18), when it has one. */
  bindir(major: number): string | undefined;
  /** The lab's PgBouncer binary, when it has one. */
  pgbouncer(): string | undefined;
}

/** Where the lab keeps `lab.env`: CUTOVER_LAB_DIR, else /var/cache/cutover-lab as root, else ~/.cache/cutover-lab. */
export function labDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CUTOVER_LAB_DIR) return env.CUTOVER_LAB_DIR;
  return process.getuid?.() === 0 ? '/var/cache/cutover-lab' : join(homedir(), '.cache', 'cutover-lab');
}

/** The lab installed on this machine, or undefined when `lab.env` is missing. */
export function findLab(env: NodeJS.ProcessEnv = process.env): LabInstallations | undefined {
  const file = join(labDirectory(env), 'lab.env');
  if (!existsSync(file)) return undefined;
  const vars = parseLabEnv(readFileSync(file, 'utf8'));
  // A bindir that lab.env names but that was removed since is no installation.
  const existing = (path: string | undefined) => (path && existsSync(path) ? path : undefined);
  return {
    file,
    env: vars,
    bindir: (major) => {
      const dir = existing(vars[`CUTOVER_LAB_PG${major}_BINDIR`]);
      return dir && existsSync(join(dir, 'postgres')) ? dir : undefined;
    },
    pgbouncer: () => existing(vars.CUTOVER_LAB_PGBOUNCER),
  };
}

/** `KEY=value` lines (optionally `export`ed, optionally quoted), as the lab script writes them. */
export function parseLabEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
  }
  return vars;
}
