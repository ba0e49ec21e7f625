import { readFileSync } from 'node:fs';

export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. When the harness is root, server processes run as the
 * `postgres` user if the machine has one, otherwise as `nobody`. Otherwise, as ourselves.
 */
export function serverUser(): ServerUser | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const wanted of ['postgres', 'nobody']) {
    const line = passwd.find((l) => l.startsWith(`${wanted}:`));
    if (!line) continue;
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}
