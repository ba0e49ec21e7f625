import { randomBytes } from 'node:crypto';
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import type { Endpoint } from '../../core/endpoint.js';
import { CutoverError } from '../../core/errors.js';
import { openSession, type Session } from '../../core/session.js';
import { cutoverLabels } from './container-labels.js';
import { dockerRuntime, ensureImage } from './docker-runtime.js';
import { freePort } from './free-port.js';
import type { SettingValue } from './local-server.js';

/** Where the data volume is mounted, and the data directory inside it (a subdirectory, as the official image advises for mounts). */
export const VOLUME_MOUNT = '/var/lib/postgresql/data';
const DEFAULT_PGDATA = `${VOLUME_MOUNT}/pgdata`;
const SUPERUSER = 'postgres';
/** How long a container may take to accept connections (initdb included). */
const READY_TIMEOUT_MS = 120_000;

export interface ContainerServerOptions {
  /** `postgres:17.2`, `pgvector/pgvector:pg17`, a team's own image derived from the official one. */
  image: string;
  /** The role it plays, in labels and messages. */
  role: string;
  /** Extra environment of the container (the official image's `POSTGRES_*`, `PGDATA`...). */
  env?: Readonly<Record<string, string>>;
  /** The container's command; default `postgres`. cutover appends its port and settings. */
  command?: readonly string[];
  /** A Docker volume of the user's for the data (kept); default one of cutover's own, removed at the end. */
  volume?: string;
  /** Superuser password; default random (POSTGRES_PASSWORD). */
  password?: string;
  /** A fixed port (default a free one): containers use the host's network, on loopback. */
  port?: number;
  /** Server settings, passed as `-c name=value`. */
  settings?: Readonly<Record<string, SettingValue>>;
  log: (line: string) => void;
}

/**
 * A PostgreSQL server in a container of any image that follows the official image's conventions,
 * started through testcontainers on the host's network (loopback only), its data on a Docker
 * volume that outlives the container: an image swap stops the container and starts the new image
 * on the same volume and port. Ready when the server itself accepts a connection.
 */
export class ContainerServer {
  readonly port: number;
  readonly password: string;
  readonly volume: string;
  readonly host = '127.0.0.1';
  /** The superuser (the image's POSTGRES_USER, default postgres). */
  readonly superuser: string;
  /** The image the server runs now (changes at an image swap). */
  image: string;
  private container: StartedTestContainer | undefined;
  private readonly ownVolume: boolean;
  private keep = false;

  private constructor(
    private readonly client: ContainerRuntimeClient,
    private readonly o: ContainerServerOptions,
    port: number,
    volume: string,
  ) {
    this.port = port;
    this.password = o.password ?? randomBytes(12).toString('hex');
    this.volume = volume;
    this.ownVolume = o.volume === undefined;
    this.image = o.image;
    this.superuser = o.env?.POSTGRES_USER ?? SUPERUSER;
  }

  /** Creates the volume (unless the user named one) and starts the image on it. */
  static async start(o: ContainerServerOptions): Promise<ContainerServer> {
    const client = await dockerRuntime();
    await ensureImage(client, o.image, o.log);
    const volume = o.volume ?? `cutover-${o.role.replace(/[^a-z0-9-]/gi, '')}-${randomBytes(4).toString('hex')}`;
    if (o.volume === undefined) await client.container.dockerode.createVolume({ Name: volume, Labels: cutoverLabels(o.role) });
    const server = new ContainerServer(client, o, o.port ?? (await freePort()), volume);
    try {
      await server.run(o.image);
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** The data directory inside the container (its PGDATA, on the volume). */
  get dataDir(): string {
    return this.o.env?.PGDATA ?? DEFAULT_PGDATA;
  }

  /** The container's id, while one runs. */
  get containerId(): string | undefined {
    return this.container?.getId();
  }

  endpoint(database = 'postgres'): Endpoint {
    return { host: this.host, port: this.port, database, user: this.superuser, password: this.password, sslmode: 'prefer' };
  }

  admin(database = 'postgres'): Promise<Session> {
    return openSession(this.endpoint(database), { readOnly: false, statementTimeoutMs: 0, applicationName: 'cutover-admin' });
  }

  /** Stops and removes the container (PostgreSQL shuts down cleanly: SIGTERM is a smart shutdown); the volume stays. */
  async stop(): Promise<void> {
    const container = this.container;
    this.container = undefined;
    await container?.stop({ timeout: 60_000, remove: true, removeVolumes: false });
  }

  /** Starts `image` on the volume (after `stop`): the Docker user's minor upgrade. */
  async startImage(image: string): Promise<void> {
    if (this.container) throw new CutoverError('internal', `${this.o.role}: a container runs already; stop it before starting ${image}`);
    await ensureImage(this.client, image, this.o.log);
    await this.run(image);
    this.image = image;
  }

  /** Keeps the data volume when the server closes (a failed rehearsal never destroys blue's data). */
  keepData(): void {
    this.keep = true;
  }

  /** Removes the container, and the volume when it is cutover's own and not kept. Idempotent. */
  async close(): Promise<void> {
    await this.stop().catch(() => {});
    if (this.ownVolume && !this.keep) await this.removeVolume();
  }

  /**
   * Removes the volume once no container uses it: another role's server may run on it still
   * (green after a pg-upgrade between images) and the run closes its servers side by side.
   */
  private async removeVolume(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await this.client.container.dockerode.getVolume(this.volume).remove();
        return;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        // 404: gone already; anything but "in use" (409) will not change by waiting.
        if (status !== 409 || Date.now() > deadline) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Runs `image` on the volume and waits until the server accepts a connection. */
  private async run(image: string): Promise<void> {
    const { GenericContainer, Wait } = await import('testcontainers');
    const settings = Object.entries({ ...this.o.settings, port: this.port, listen_addresses: this.host }).flatMap(([k, v]) => ['-c', `${k}=${String(v)}`]);
    const env = { PGDATA: DEFAULT_PGDATA, ...this.o.env, POSTGRES_PASSWORD: this.password };
    let logs = '';
    const container = new GenericContainer(image)
      .withNetworkMode('host')
      .withEnvironment(env)
      .withCommand([...(this.o.command ?? ['postgres']), ...settings])
      .withBindMounts([{ source: this.volume, target: VOLUME_MOUNT, mode: 'rw' }])
      .withLabels(cutoverLabels(this.o.role))
      // No port to wait for on the host's network: readiness is the server's own (below).
      .withWaitStrategy(Wait.forListeningPorts())
      .withLogConsumer((stream) => stream.on('data', (chunk: Buffer | string) => void (logs = (logs + chunk.toString()).slice(-8_000))));
    try {
      this.container = await container.start();
    } catch (error) {
      throw new CutoverError('provision', `${this.o.role}: the container of ${image} did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
    }
    await this.waitReady(image, () => logs);
  }

  /** Polls a real connection until the server answers, or the container has exited, or the deadline passes. */
  private async waitReady(image: string, logs: () => string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const id = this.container?.getId();
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        await using session = await openSession({ ...this.endpoint(), connectTimeoutMs: 2_000 }, { applicationName: 'cutover-ready' });
        await session.query('SELECT 1');
        return;
      } catch (error) {
        last = error;
      }
      const state = id ? (await this.client.container.dockerode.getContainer(id).inspect().catch(() => undefined))?.State : undefined;
      if (!state?.Running) {
        throw new CutoverError('provision', `${this.o.role}: the container of ${image} exited (code ${state?.ExitCode ?? 'unknown'}) before accepting connections; its last output:\n${tail(logs())}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new CutoverError('provision', `${this.o.role}: ${image} did not accept connections on port ${this.port} within ${READY_TIMEOUT_MS / 1000} s (${last instanceof Error ? last.message : String(last)}); its last output:\n${tail(logs())}`);
  }
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-15).join('\n');
}
