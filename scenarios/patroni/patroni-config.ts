import { stringify } from 'yaml';
import type { RestCredentials } from './patroni-rest.js';

/** The addresses and directories of one member, all on loopback. */
export interface MemberLayout {
  name: string;
  /** The member's own directory: its configuration, log, Raft journal and data directories. */
  dir: string;
  dataDir: string;
  raftDir: string;
  pgPort: number;
  restPort: number;
  raftPort: number;
}

/** What every member of one cluster shares. */
export interface ClusterSettings {
  scope: string;
  bindir: string;
  superuserPassword: string;
  replicationPassword: string;
  rest: RestCredentials;
  /** Raft addresses of every member (`127.0.0.1:port`). */
  raftAddresses: string[];
}

/** Replication user Patroni creates at bootstrap. */
export const REPLICATION_USER = 'replicator';

/**
 * Timing of the cluster (the DCS's dynamic configuration): Patroni's smallest leader key TTL (20 s,
 * what a killed leader costs at most before an election), a loop of 1 s so that switchovers and
 * elections are seen within a second.
 */
const DCS_TIMING = { ttl: 20, loop_wait: 1, retry_timeout: 5, maximum_lag_on_failover: 1_048_576 };

/** PostgreSQL settings of every member: what the soak, logical methods and pg_rewind need. */
const PARAMETERS = {
  wal_level: 'logical',
  wal_log_hints: 'on',
  max_wal_senders: 16,
  max_replication_slots: 16,
  hot_standby: 'on',
};

/**
 * The YAML configuration of one member. `bootstrap` is given to the member that initialises the
 * cluster only: the others can never race to initdb a second cluster (Patroni bootstraps only with
 * that section); they clone the leader with pg_basebackup.
 */
export function memberConfig(member: MemberLayout, cluster: ClusterSettings, o: { bootstrap: boolean }): string {
  const self = `127.0.0.1:${member.raftPort}`;
  const config = {
    scope: cluster.scope,
    name: member.name,
    log: { level: 'INFO' },
    restapi: {
      listen: `127.0.0.1:${member.restPort}`,
      connect_address: `127.0.0.1:${member.restPort}`,
      authentication: { username: cluster.rest.username, password: cluster.rest.password },
    },
    raft: {
      data_dir: member.raftDir,
      self_addr: self,
      partner_addrs: cluster.raftAddresses.filter((a) => a !== self),
    },
    ...(o.bootstrap
      ? {
          bootstrap: {
            dcs: { ...DCS_TIMING, postgresql: { use_pg_rewind: true, use_slots: true, parameters: PARAMETERS } },
            initdb: [{ encoding: 'UTF8' }, { locale: 'C' }, { 'auth-local': 'trust' }, { 'auth-host': 'scram-sha-256' }],
          },
        }
      : {}),
    postgresql: {
      listen: `127.0.0.1:${member.pgPort}`,
      connect_address: `127.0.0.1:${member.pgPort}`,
      data_dir: member.dataDir,
      bin_dir: cluster.bindir,
      pgpass: `${member.dir}/pgpass`,
      authentication: {
        superuser: { username: 'postgres', password: cluster.superuserPassword },
        replication: { username: REPLICATION_USER, password: cluster.replicationPassword },
      },
      parameters: {
        unix_socket_directories: member.dir,
        // Throwaway servers: speed over durability of the host's disk (a killed process loses nothing the OS holds).
        fsync: 'off',
      },
      pg_hba: [
        'local all all trust',
        'host all all 127.0.0.1/32 scram-sha-256',
        `host replication ${REPLICATION_USER} 127.0.0.1/32 scram-sha-256`,
      ],
    },
  };
  return stringify(config);
}
