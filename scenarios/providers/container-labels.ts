import { hostname } from 'node:os';
import type { ContainerRuntimeClient } from 'testcontainers';

/** Labels on every container and volume cutover creates, so that a later run finds what a killed one left. */
export const CUTOVER_LABELS = {
  managed: 'dev.cutover.managed',
  pid: 'dev.cutover.pid',
  host: 'dev.cutover.host',
  role: 'dev.cutover.role',
} as const;

/** The labels of this process's container (or volume) in a role. */
export function cutoverLabels(role: string): Record<string, string> {
  return { [CUTOVER_LABELS.managed]: 'true', [CUTOVER_LABELS.pid]: String(process.pid), [CUTOVER_LABELS.host]: hostname(), [CUTOVER_LABELS.role]: role };
}

/** Whether a process of this machine runs (signal 0 tests without sending anything). */
function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the containers and volumes a cutover process of this machine created and did not remove
 * (it was killed: SIGKILL, a crash, a power cut): those whose process no longer runs. A volume a
 * user named is never cutover's (it carries no label), so it is never removed. Returns the names.
 */
export async function removeLeftovers(client: ContainerRuntimeClient): Promise<string[]> {
  const docker = client.container.dockerode;
  const mine = (labels: Record<string, string> | null | undefined): boolean =>
    labels?.[CUTOVER_LABELS.managed] === 'true' && labels[CUTOVER_LABELS.host] === hostname() && !alive(Number(labels[CUTOVER_LABELS.pid]));
  const removed: string[] = [];
  const containers = await docker.listContainers({ all: true, filters: { label: [`${CUTOVER_LABELS.managed}=true`] } });
  for (const c of containers.filter((x) => mine(x.Labels))) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => {});
    removed.push(`container ${(c.Names[0] ?? c.Id).replace(/^\//, '')}`);
  }
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${CUTOVER_LABELS.managed}=true`] } });
  for (const v of (Volumes ?? []).filter((x) => mine(x.Labels))) {
    await docker.getVolume(v.Name).remove().catch(() => {});
    removed.push(`volume ${v.Name}`);
  }
  return removed;
}
