import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseLibraries } from '../../checks/pg-tviews.js';
import { tviewNames } from '../../checks/pg-tviews-collect.js';
import { installationOf, type Installation } from '../providers/installation.js';
import type { Cluster } from '../topology/cluster.js';

/** What the new binaries of a restart lack, found before the server stops. */
export interface MissingLibraries {
  /** Libraries of `shared_preload_libraries` not in the new `$libdir`: the server would not start. */
  preload: string[];
  /** Installed extensions whose control file or library the old installation has and the new lacks. */
  extensions: { name: string; databases: string[]; what: string[] }[];
  /** TVIEWs (`database.schema.name`) of the pg_tviews extension, when it is one of them. */
  tviews: string[];
}

/**
 * Compares what a running server uses (preloaded libraries, the extensions installed in each
 * database) with what the installation of `newBindir` holds: the runbook's "reinstall if the
 * library is missing" asked before the restart rather than learnt from a server that will not start.
 * Undefined when nothing is missing, or when an installation's layout cannot be read.
 */
export async function missingLibraries(cluster: Cluster, oldBindir: string, newBindir: string): Promise<MissingLibraries | undefined> {
  let before: Installation;
  let after: Installation;
  try {
    [before, after] = [await installationOf(oldBindir), await installationOf(newBindir)];
  } catch {
    return undefined;
  }
  const hasLib = (inst: Installation, name: string) => existsSync(join(inst.pkglibdir, `${name}.so`));
  const hasControl = (inst: Installation, name: string) => existsSync(join(inst.sharedir, 'extension', `${name}.control`));
  await using admin = await cluster.admin('postgres');
  const [row] = await admin.query<{ setting: string }>(`SELECT current_setting('shared_preload_libraries') AS setting`);
  const preload = parseLibraries(row?.setting ?? '').filter((lib) => !hasLib(after, lib));
  const databases = (await admin.query<{ datname: string }>(`SELECT datname FROM pg_catalog.pg_database WHERE datallowconn ORDER BY datname`)).map((r) => r.datname);
  const byName = new Map<string, { name: string; databases: string[]; what: string[] }>();
  const tviews: string[] = [];
  for (const database of databases) {
    try {
      await using db = await cluster.admin(database);
      const names = (await db.query<{ extname: string }>(`SELECT extname FROM pg_catalog.pg_extension ORDER BY extname`)).map((r) => r.extname);
      for (const name of names) {
        const what = [
          ...(hasControl(before, name) && !hasControl(after, name) ? ['control file'] : []),
          ...((hasLib(before, name) && !hasLib(after, name)) || preload.includes(name) ? ['library'] : []),
        ];
        if (!what.length) continue;
        const entry = byName.get(name) ?? { name, databases: [], what };
        entry.databases.push(database);
        byName.set(name, entry);
        if (name === 'pg_tviews') tviews.push(...(await tviewNames(db)).map((t) => `${database}.${t}`));
      }
    } catch {
      // A database that cannot be opened now is the checks' finding, not the restart's.
    }
  }
  if (!preload.length && !byName.size) return undefined;
  return { preload, extensions: [...byName.values()], tviews };
}

/** One paragraph for the step's error: what is missing, where, what it breaks, how to fix it. */
export function describeMissing(m: MissingLibraries, newBindir: string): string {
  const parts: string[] = [];
  if (m.preload.length) parts.push(`the library ${m.preload.join(', ')} of shared_preload_libraries (the server would not start)`);
  for (const e of m.extensions) {
    if (m.preload.includes(e.name) && e.what.length === 1) continue;
    parts.push(`the ${e.what.join(' and ')} of extension ${e.name} (installed in database ${e.databases.join(', ')})`);
  }
  const used = m.extensions.map((e) => e.name).concat(m.preload.filter((p) => !m.extensions.some((e) => e.name === p)));
  const tviews = m.tviews.length ? `; TVIEWs affected: ${m.tviews.join(', ')}` : '';
  return (
    `the new binaries (${newBindir}) lack ${parts.join(' and ')}: extension ${[...new Set(used)].join(', ')} library missing${tviews}. ` +
    `Reinstall it into the new installation (or give the step "extensions": [{ "from": DIR, "preload": true }]) before restarting`
  );
}

/** The server's own words when a start failed on a missing library (`could not access file "pg_tviews"`). */
export function missingLibraryInLog(log: string): string | undefined {
  const m = /could not access file "([^"]+)": No such file or directory/.exec(log);
  return m?.[1] ? m[1].replace(/^\$libdir\//, '') : undefined;
}
