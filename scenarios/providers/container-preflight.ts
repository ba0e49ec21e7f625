import type { Scenario } from '../scenario-types.js';
import { dockerRuntime, ensureImage } from './docker-runtime.js';

/**
 * Before anything is provisioned: when a role is a container or a step swaps an image, the Docker
 * engine must answer and every image named must be present (or pullable), else a clear error
 * (exit 3) says what is missing, and no run directory, server or container is left to clean up.
 */
export async function preflightContainers(scenario: Scenario, log: (line: string) => void): Promise<void> {
  const images = new Set<string>();
  for (const spec of [scenario.blue, scenario.green]) if (spec?.provider === 'container') images.add(spec.image);
  for (const step of scenario.steps) if ((step.action === 'image-swap' || step.action === 'pg-upgrade') && typeof step.image === 'string') images.add(step.image);
  if (!images.size) return;
  const client = await dockerRuntime();
  for (const image of images) await ensureImage(client, image, log);
}
