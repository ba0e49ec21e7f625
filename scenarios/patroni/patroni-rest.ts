import { CutoverError } from '../../core/errors.js';

/** A member as Patroni's `GET /cluster` lists it. */
export interface PatroniMember {
  name: string;
  /** `leader`, `replica`, `sync_standby`, `quorum_standby`, `standby_leader`. */
  role: string;
  /** `running`, `streaming`, `starting`, `stopping`, `stopped`, `creating replica`, `crashed`... */
  state: string;
  host?: string;
  port?: number;
  api_url?: string;
  timeline?: number;
  /** Bytes behind the leader (replicas), or `unknown`. */
  lag?: number | string;
}

/** `GET /cluster`: the members and, when one is set, the paused flag. */
export interface PatroniClusterState {
  members: PatroniMember[];
  pause?: boolean;
  scope?: string;
}

/** Basic authentication for the REST API's unsafe requests (`restapi.authentication`). */
export interface RestCredentials {
  username: string;
  password: string;
}

/** How long one REST request may take: Patroni answers a GET at once; a POST /switchover waits for the outcome. */
const GET_TIMEOUT_MS = 5_000;
const POST_TIMEOUT_MS = 60_000;

/**
 * One Patroni member's REST API (`http://host:port`). Every failure to reach it is a
 * `connect` error naming the URL and the reason (refused, timed out, reset).
 */
export class PatroniRest {
  readonly url: string;
  private readonly credentials: RestCredentials | undefined;

  constructor(url: string, credentials?: RestCredentials) {
    this.url = url.replace(/\/+$/, '');
    this.credentials = credentials;
  }

  /** The cluster as this member sees it in the DCS. */
  async cluster(signal?: AbortSignal): Promise<PatroniClusterState> {
    const body = await this.request('GET', '/cluster', undefined, signal);
    const parsed = parseJson(body.text, `${this.url}/cluster`);
    if (!isClusterState(parsed)) throw new CutoverError('query', `Patroni REST API ${this.url}/cluster: expected {"members": [...]}, got ${body.text.slice(0, 200)}`);
    return parsed;
  }

  /** `POST path` with a JSON body; returns the status and the text Patroni answered. */
  post(path: string, payload: unknown, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    return this.request('POST', path, payload, signal);
  }

  private async request(method: 'GET' | 'POST', path: string, payload: unknown, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const target = `${this.url}${path}`;
    const timeoutMs = method === 'GET' ? GET_TIMEOUT_MS : POST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.credentials && method !== 'GET') {
      headers.authorization = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    }
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw new CutoverError('interrupted', 'interrupted');
      const why = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : networkReason(error);
      throw new CutoverError('connect', `Patroni REST API unreachable: ${method} ${target}: ${why}`, { cause: error });
    }
    const text = await response.text();
    return { status: response.status, text };
  }
}

/** `connection refused (ECONNREFUSED)` from fetch's error and its cause. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENOTFOUND: 'host not found',
    UND_ERR_SOCKET: 'connection closed',
  };
  if (code) return `${words[code] ?? cause?.message ?? 'failed'} (${code})`;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CutoverError('query', `Patroni REST API ${where}: expected JSON, got ${text.slice(0, 200)}`);
  }
}

function isClusterState(value: unknown): value is PatroniClusterState {
  if (typeof value !== 'object' || value === null) return false;
  const members = (value as { members?: unknown }).members;
  return Array.isArray(members) && members.every((m) => typeof m === 'object' && m !== null && typeof (m as PatroniMember).name === 'string');
}

/** The member that leads, running, if any. */
export function runningLeader(state: PatroniClusterState): PatroniMember | undefined {
  return state.members.find((m) => m.role === 'leader' && m.state === 'running');
}

/** Replicas that stream from the leader. */
export function streamingReplicas(state: PatroniClusterState): PatroniMember[] {
  return state.members.filter((m) => m.role !== 'leader' && m.state === 'streaming');
}

/** `blue leader running tl 2, blue-2 replica streaming tl 2`: for logs and errors. */
export function describeMembers(state: PatroniClusterState): string {
  return state.members.map((m) => `${m.name} ${m.role} ${m.state}${m.timeline !== undefined ? ` tl ${m.timeline}` : ''}`).join(', ') || 'no members';
}

/** The members as a step's details keep them: name, role, state, timeline. */
export function memberSummary(state: PatroniClusterState): { name: string; role: string; state: string; timeline?: number }[] {
  return state.members.map((m) => ({ name: m.name, role: m.role, state: m.state, ...(m.timeline !== undefined ? { timeline: m.timeline } : {}) }));
}
