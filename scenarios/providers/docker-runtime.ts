import type { ContainerRuntimeClient } from 'testcontainers';
import { CutoverError } from '../../core/errors.js';

/**
 * The Docker engine, through testcontainers, or a clear `provision` error (exit 3) naming what is
 * missing and how to fix it: no engine answering (no socket, daemon down), never the library's
 * stack. testcontainers' reaper container is off (cutover removes its own containers: see
 * container-labels.ts), since its image may not be pullable where cutover runs.
 */
export async function dockerRuntime(): Promise<ContainerRuntimeClient> {
  // A DOCKER_HOST the user set names the engine to use: testcontainers would try others after it.
  const named = process.env.DOCKER_HOST;
  if (named) await reachable(named);
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // cutover's containers use the host's network, on loopback: no gateway to find (an engine without
  // a bridge network, as `dockerd --bridge=none` runs, would otherwise look unusable).
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    const where = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'the default socket /var/run/docker.sock (DOCKER_HOST unset)';
    throw new CutoverError(
      'provision',
      `Docker: no engine answers at ${where}: start it (systemctl start docker, or dockerd), or point DOCKER_HOST at one; the container provider needs a running Docker engine`,
      { cause: error },
    );
  }
}

/** Connects to DOCKER_HOST's socket or port once: nothing listening is the clear error, now. */
async function reachable(dockerHost: string): Promise<void> {
  const url = /^(unix|tcp):\/\/(.*)$/.exec(dockerHost);
  if (!url) return;
  const [, scheme, rest = ''] = url;
  const [host = '', port = '2375'] = rest.split(':');
  const { connect } = await import('node:net');
  const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const socket = scheme === 'unix' ? connect({ path: rest }) : connect({ host, port: Number(port) });
    socket.setTimeout(3_000, () => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.end();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error));
  });
  if (!failure) return;
  const why = failure.code === 'ENOENT' ? 'no such socket' : failure.code === 'ECONNREFUSED' ? 'nothing listens there (the daemon is down)' : failure.code === 'EACCES' ? 'permission denied (add your user to the docker group)' : (failure.code ?? failure.message);
  throw new CutoverError('provision', `Docker: no engine answers at DOCKER_HOST=${dockerHost}: ${why}; start it (systemctl start docker, or dockerd), or point DOCKER_HOST at one; the container provider needs a running Docker engine`, { cause: failure });
}

/**
 * Makes sure an image is present: used as it is when the engine has it (cutover never pulls one it
 * has), pulled otherwise; a pull that fails (no registry, no such tag) is a clear error naming
 * the image and what to do.
 */
export async function ensureImage(client: ContainerRuntimeClient, image: string, log: (line: string) => void): Promise<void> {
  const { ImageName } = await import('testcontainers');
  const name = ImageName.fromString(image);
  if (await client.image.exists(name)) return;
  log(`container: pulling ${image} (not present on the engine)`);
  try {
    await client.image.pull(name);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CutoverError(
      'provision',
      `image ${image}: not present on the Docker engine and it cannot be pulled (${why}); build or load it first (docker build, docker load), or name one that \`docker images\` lists`,
      { cause: error },
    );
  }
}
