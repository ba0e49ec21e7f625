import type { Endpoint } from '../../core/endpoint.js';
import type { Cluster } from './cluster.js';

/**
 * The endpoint clients of a topology with standbys use: every server, in order, as libpq's
 * multi-host string (`host=a,b port=1,2 target_session_attrs=read-write`), so a connection settles
 * on whichever is the primary now and follows it through a failover. The first server's user and
 * password serve all: standbys are copies of the primary.
 */
export function multiHostEndpoint(clusters: readonly Cluster[], database?: string): Endpoint {
  const endpoints = clusters.map((c) => c.endpoint(database));
  const [first] = endpoints;
  if (!first) throw new Error('multiHostEndpoint: no server');
  return { ...first, hosts: endpoints.map((e) => ({ host: e.host, port: e.port })), targetSessionAttrs: 'read-write' };
}
