import type { HostAddress } from './endpoint.js';

/** A host or port list as given, and what to say when it is wrong. */
export interface ListSetting {
  value: string;
  source: string;
}

/** A `host`/`port` list that libpq would refuse, with what was expected. */
export class HostListError extends Error {
  constructor(
    readonly setting: ListSetting,
    readonly expected: string,
  ) {
    super(expected);
  }
}

/**
 * libpq's host and port lists: `host=a,b,c` with one port for all (`port=5432`) or one per host
 * (`port=5432,5433,5434`). An empty entry means the default (`localhost`, `5432`). Each port is
 * returned with its text as given, since the password file matches ports as text.
 */
export function hostList(host: ListSetting | undefined, port: ListSetting | undefined): (HostAddress & { portText: string })[] {
  const hosts = (host?.value ?? '').split(',').map((h) => (h === '' ? 'localhost' : h));
  const portTexts = port ? port.value.split(',').map((p) => p.trim()) : [''];
  if (port && portTexts.length !== 1 && portTexts.length !== hosts.length) {
    const named = hosts.length === 1 ? '1 host' : `${hosts.length} hosts (${hosts.join(', ')})`;
    throw new HostListError(port, `one port for every host, or one port per host: ${named}, ${portTexts.length} ports`);
  }
  return hosts.map((h, i) => {
    const text = portTexts.length === 1 ? (portTexts[0] ?? '') : (portTexts[i] ?? '');
    return { host: h, port: text === '' ? 5432 : parsePortText(text, port), portText: text };
  });
}

function parsePortText(text: string, setting: ListSetting | undefined): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HostListError(setting ?? { value: text, source: 'port' }, 'a port number from 1 to 65535' + (setting?.value.includes(',') ? ' in each entry of the list' : ''));
  }
  return port;
}
