import { createServer, connect, type Server, type Socket } from 'node:net';
import { CutoverError } from '../../core/errors.js';

/** Where a proxy forwards: a host and a port (the endpoint's credentials pass through untouched). */
export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * A loopback TCP proxy that can be cut: the hard-cut switch of a local rehearsal. While blocked,
 * new clients are reset as soon as they connect (so they see an error at once, as they would
 * when a server is down) and existing ones were cut by `block()`.
 */
export class TcpProxy {
  readonly host = '127.0.0.1';
  private server: Server | undefined;
  private listenPort = 0;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private blocked = false;
  private closing: Promise<void> | undefined;

  constructor(private target: ProxyTarget) {}

  /** The port clients connect to (after `listen`). */
  get port(): number {
    return this.listenPort;
  }

  /** Where the proxy forwards new connections now. */
  get current(): ProxyTarget {
    return this.target;
  }

  /** How many client connections are forwarded now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Starts listening on a free loopback port (or `port`). */
  async listen(port = 0): Promise<void> {
    const server = createServer({ noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.listenPort = typeof address === 'object' && address ? address.port : 0;
    if (!this.listenPort) throw new CutoverError('internal', 'tcp proxy: no port after listen');
    this.server = server;
  }

  /** Cuts every forwarded connection and resets new ones until `resume`. */
  block(): void {
    this.blocked = true;
    for (const pair of this.pairs) cut(pair.client, pair.upstream);
    this.pairs.clear();
  }

  /** Forwards new connections to another server; existing ones keep their server. */
  repoint(target: ProxyTarget): void {
    this.target = { host: target.host, port: target.port };
  }

  /** Accepts and forwards new connections again. */
  resume(): void {
    this.blocked = false;
  }

  /** Stops listening and cuts every connection; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.block();
      const server = this.server;
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return this.closing;
  }

  private accept(client: Socket): void {
    client.on('error', () => {});
    if (this.blocked || this.closing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port, noDelay: true });
    const pair = { client, upstream };
    this.pairs.add(pair);
    upstream.on('error', () => {});
    const end = () => {
      this.pairs.delete(pair);
      cut(client, upstream);
    };
    client.once('close', end);
    upstream.once('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

/** Resets both sides, so the client sees the connection die rather than a clean end. */
function cut(client: Socket, upstream: Socket): void {
  if (!client.destroyed) client.resetAndDestroy();
  if (!upstream.destroyed) upstream.destroy();
}
