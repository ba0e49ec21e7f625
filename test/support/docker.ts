import { execFile } from 'node:child_process';
import pg from 'pg';

/**
 * The Docker engine (scripts/docker.sh) and the images scripts/images.sh builds locally (no
 * registry is reachable in the lab). Tests drive the docker CLI directly: what they check is the
 * images, not a client library.
 */

/** The images scripts/images.sh builds, by the tags a user would name, with their full versions. */
export const TEST_IMAGES = {
  /** Debian bookworm's PostgreSQL 15 with the lab's pgvector (also tagged postgres:<pg15Version>). */
  pg15: 'postgres:15',
  pg15Version: '15.20',
  /** The npm-shipped embedded build of 17 (no pgvector): the older side of a minor image swap. */
  pg17old: 'postgres:17.10',
  pg17oldVersion: '17.10',
  /** The lab's source build of 17 with pgvector (also tagged postgres:17). */
  pg17: 'postgres:17.11',
  pg17Version: '17.11',
  /** The same image as pg17, under the tag pgvector's users name. */
  pgvector17: 'pgvector/pgvector:pg17',
  /** pgvector's version in the 15 and 17 images. */
  vectorVersion: '0.8.0',
  /** 15 and 17.11 (each with pgvector) and an entry point that runs pg_upgrade, like tianon/postgres-upgrade. */
  upgrade: 'cutover-test/pg-upgrade:15-to-17',
} as const;

/** Every tag scripts/images.sh promises. */
export const TEST_IMAGE_TAGS: readonly string[] = [
  TEST_IMAGES.pg15,
  `postgres:${TEST_IMAGES.pg15Version}`,
  TEST_IMAGES.pg17old,
  TEST_IMAGES.pg17,
  TEST_IMAGES.pgvector17,
  TEST_IMAGES.upgrade,
];

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the docker CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
export function dockerRun(args: readonly string[], timeoutMs = 60_000): Promise<DockerResult> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}${error.message}` : stderr });
    });
  });
}

/** Runs the docker CLI and returns its trimmed stdout; throws with the command and its stderr on failure. */
export async function docker(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const r = await dockerRun(args, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Whether a Docker engine answers (DOCKER_HOST, else the default socket) within 2 s. */
export async function dockerReady(): Promise<boolean> {
  const r = await dockerRun(['version', '--format', '{{.Server.Version}}'], 2_000);
  return r.code === 0 && r.stdout.trim() !== '';
}

/** The tags of TEST_IMAGE_TAGS the engine does not have (all of them when no engine answers). */
export async function imagesReady(): Promise<string[]> {
  const present = await Promise.all(TEST_IMAGE_TAGS.map(async (tag) => (await dockerRun(['image', 'inspect', '--format', '{{.Id}}', tag], 10_000)).code === 0));
  return TEST_IMAGE_TAGS.filter((_, i) => !present[i]);
}

/** A label of an image (org.opencontainers.image.version, cutover.extensions...). */
export function imageLabel(image: string, label: string): Promise<string> {
  return docker(['image', 'inspect', '--format', `{{index .Config.Labels ${JSON.stringify(label)}}}`, image]);
}

export interface ContainerOptions {
  /** Environment variables (-e). */
  env?: Record<string, string>;
  /** Volume mounts, as `name:/path`. */
  volumes?: string[];
  /** The command after the image (the entry point's arguments). */
  command?: string[];
  /** Docker's network (default host: the lab's engine has no bridge). */
  network?: string;
}

/** A detached container, removed (with its anonymous volumes) on dispose. */
export class TestContainer {
  private removed = false;

  private constructor(
    readonly name: string,
    readonly image: string,
  ) {}

  /** Starts `docker run -d` under a unique name. */
  static async start(image: string, o: ContainerOptions = {}): Promise<TestContainer> {
    const name = `cutover-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const args = ['run', '-d', '--name', name, '--network', o.network ?? 'host'];
    for (const [k, v] of Object.entries(o.env ?? {})) args.push('-e', `${k}=${v}`);
    for (const v of o.volumes ?? []) args.push('-v', v);
    await docker([...args, image, ...(o.command ?? [])]);
    return new TestContainer(name, image);
  }

  /** Its state (running, exited...). */
  async state(): Promise<string> {
    return docker(['inspect', '--format', '{{.State.Status}}', this.name]);
  }

  /** Its output so far (stdout and stderr). */
  async logs(): Promise<string> {
    const r = await dockerRun(['logs', this.name]);
    return `${r.stdout}${r.stderr}`;
  }

  /** Runs a command inside it. */
  exec(command: string[]): Promise<string> {
    return docker(['exec', this.name, ...command]);
  }

  /** Stops it the way `docker stop` does (its STOPSIGNAL, then SIGKILL after the timeout) and returns its exit code. */
  async stop(timeoutS = 30): Promise<number> {
    await docker(['stop', '--time', String(timeoutS), this.name], (timeoutS + 30) * 1000);
    return Number(await docker(['inspect', '--format', '{{.State.ExitCode}}', this.name]));
  }

  /** Removes it, once, forcibly, with its anonymous volumes. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    await dockerRun(['rm', '--force', '--volumes', this.name]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }
}

/** A named volume, removed on dispose. */
export async function testVolume(): Promise<{ name: string } & AsyncDisposable> {
  const name = await docker(['volume', 'create', `cutover-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`]);
  let removed = false;
  return {
    name,
    async [Symbol.asyncDispose]() {
      if (removed) return;
      removed = true;
      await dockerRun(['volume', 'rm', '--force', name]);
    },
  };
}

/**
 * Polls a real connection to a server in `container` until one succeeds (then returns the
 * connected client) or the deadline passes; fails at once, with the container's output, when the
 * container has stopped.
 */
export async function connectWhenReady(container: TestContainer, config: pg.ClientConfig, timeoutMs = 60_000): Promise<pg.Client> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const client = new pg.Client({ connectionTimeoutMillis: 2_000, ...config });
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
    }
    const state = await container.state().catch(() => 'gone');
    if (state !== 'running' && state !== 'created') {
      throw new Error(`${container.image} (${container.name}) is ${state} before accepting connections; its output:\n${await container.logs()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${container.image} to accept connections: ${String(lastError)}; its output:\n${await container.logs()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
