import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'rds');

/** One recorded answer: a fixture file and its HTTP status (AWS answers Query API errors with 4xx). */
export interface Reply {
  file: string;
  status?: number;
}

/** A request the replay server received: the Query API action and its form parameters. */
export interface ReceivedCall {
  action: string;
  params: Record<string, string>;
}

/**
 * A local HTTP server replaying recorded RDS Query API responses, per action, in order; the last
 * reply of an action repeats (a poll that stays in a state). The real SDK client talks to it.
 */
export class RdsReplayServer implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    /** Every request received, in order. */
    readonly calls: ReceivedCall[],
  ) {}

  static async start(script: Record<string, Reply[]>): Promise<RdsReplayServer> {
    const queues = new Map(Object.entries(script).map(([k, v]) => [k, [...v]]));
    const calls: ReceivedCall[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body));
        const action = params.Action ?? '?';
        calls.push({ action, params });
        const queue = queues.get(action);
        const reply = queue && queue.length > 1 ? queue.shift() : queue?.[0];
        if (!reply) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`no recorded reply for ${action}`);
          return;
        }
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml' }).end(readFileSync(join(FIXTURES, reply.file)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RdsReplayServer(server, calls);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The calls of one action, in order. */
  callsOf(action: string): ReceivedCall[] {
    return this.calls.filter((c) => c.action === action);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}
