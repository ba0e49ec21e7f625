import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalServer } from '../providers/local-server.js';
import { writeOwned } from './base-backup.js';

/** Where a standby streams from: its primary's address and superuser, its slot, its name there. */
export interface StandbyLink {
  primary: LocalServer;
  /** The physical replication slot on the primary. */
  slot: string;
  /** `application_name` on the primary (pg_stat_replication, synchronous_standby_names): the role. */
  applicationName: string;
}

/**
 * Makes a copied data directory a standby of `link.primary`: `standby.signal`, and a
 * `postgresql.auto.conf` of its own (the copy's would name the primary's primary, or make a
 * promoted standby wait for a synchronous standby it does not have), and its own socket directory.
 */
export async function configureStandby(server: LocalServer, link: StandbyLink): Promise<void> {
  const conninfo = [
    ['host', link.primary.host],
    ['port', String(link.primary.port)],
    ['user', link.primary.superuser],
    ['password', link.primary.password],
    ['application_name', link.applicationName],
  ]
    .map(([k, v]) => `${k}=${conninfoValue(v ?? '')}`)
    .join(' ');
  const settings: Record<string, string> = {
    primary_conninfo: conninfo,
    primary_slot_name: link.slot,
    synchronous_standby_names: '',
    default_transaction_read_only: 'off',
  };
  await writeOwned(join(server.dataDir, 'postgresql.auto.conf'), `# written by cutover: this server is a standby of ${link.primary.name}\n${confLines(settings)}`);
  await writeOwned(join(server.dataDir, 'standby.signal'), '');
  await appendFile(join(server.dataDir, 'postgresql.conf'), `\n# cutover: ${server.name}\nunix_socket_directories = '${server.baseDir.replace(/'/g, "''")}'\n`);
}

/** A conninfo value, quoted the way libpq reads one. */
function conninfoValue(v: string): string {
  return /^[^\s'\\]+$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function confLines(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'\n`)
    .join('');
}
