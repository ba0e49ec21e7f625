/**
 * Settings the `server` check always reports (value, source, compiled-in default), because their
 * default or their meaning changed between the majors people upgrade across (13 to 18), or
 * because they appear or disappear there: a cluster that never set them behaves differently
 * after the upgrade without any configuration change. A watched setting whose value changes is a
 * warning. Users add names with `checks.watchSettings`.
 *
 * Sources: the PostgreSQL 13-18 release notes (migration sections), `pg_settings.boot_val`
 * compared on 15.18, 16.14 and 17.10 servers, and postgresql.conf.sample of the 18.6 sources. `data_checksums` is not listed: the check reports
 * it on its own (PostgreSQL 18's initdb enables checksums by default).
 */
export interface WatchedSetting {
  name: string;
  /** What changed, and in which major. */
  why: string;
}

export const WATCHED_SETTINGS: readonly WatchedSetting[] = [
  // Authentication
  { name: 'password_encryption', why: '14: default md5 -> scram-sha-256; 18 deprecates md5 passwords' },
  { name: 'md5_password_warnings', why: '18: new (on): warnings when md5 passwords are set or used' },
  { name: 'scram_iterations', why: '16: new (4096)' },
  // Memory, I/O
  { name: 'hash_mem_multiplier', why: '13: new (1.0); 15: default 1.0 -> 2.0' },
  { name: 'effective_io_concurrency', why: '13: value now used directly (old values need converting); 18: default 1 -> 16' },
  { name: 'maintenance_io_concurrency', why: '13: new (10); 18: default 10 -> 16' },
  { name: 'io_method', why: '18: new asynchronous I/O (default worker)' },
  { name: 'io_workers', why: '18: new (3)' },
  { name: 'io_combine_limit', why: '17: new (128kB)' },
  { name: 'jit', why: 'on by default since 12; JIT changes plans and latency of analytic queries' },
  // Vacuum
  { name: 'vacuum_cost_page_miss', why: '14: default 10 -> 2 (autovacuum runs faster)' },
  { name: 'vacuum_buffer_usage_limit', why: '16: new (256kB); 17: default 256kB -> 2MB' },
  { name: 'autovacuum_vacuum_insert_threshold', why: '13: new (1000): insert-only tables get vacuumed' },
  { name: 'autovacuum_vacuum_insert_scale_factor', why: '13: new (0.2)' },
  { name: 'autovacuum_vacuum_max_threshold', why: '18: new (100000000): caps the dead-tuple threshold of large tables' },
  { name: 'autovacuum_worker_slots', why: '18: new (16)' },
  { name: 'vacuum_failsafe_age', why: '14: new (1600000000)' },
  { name: 'vacuum_truncate', why: '18: new server setting (on); was only a table option' },
  { name: 'vacuum_max_eager_freeze_failure_rate', why: '18: new (0.03): eager freezing of all-visible pages' },
  { name: 'vacuum_defer_cleanup_age', why: '16: removed' },
  // WAL, replication
  { name: 'wal_keep_segments', why: '13: removed, replaced by wal_keep_size' },
  { name: 'wal_keep_size', why: '13: new, replaces wal_keep_segments (a kept setting silently becomes 0)' },
  { name: 'max_slot_wal_keep_size', why: '13: new (-1, unlimited)' },
  { name: 'wal_compression', why: '15: boolean -> method (pglz, lz4, zstd)' },
  { name: 'max_wal_senders', why: 'default 10 since 10; physical standbys and logical upgrades both draw on it' },
  { name: 'wal_level', why: 'replica by default since 10; logical replication upgrades need logical' },
  { name: 'summarize_wal', why: '17: new (off); incremental backups need it' },
  { name: 'promote_trigger_file', why: '16: removed (use pg_ctl promote or pg_promote())' },
  { name: 'idle_replication_slot_timeout', why: '18: new (0, disabled)' },
  // TLS
  { name: 'ssl_ecdh_curve', why: '18: replaced by ssl_groups' },
  { name: 'ssl_groups', why: '18: new, replaces ssl_ecdh_curve (X25519:prime256v1)' },
  // Logging
  { name: 'log_checkpoints', why: '15: default off -> on' },
  { name: 'log_autovacuum_min_duration', why: '15: default -1 -> 10min' },
  { name: 'log_lock_waits', why: 'off by default up to and including 18; often turned on by hand' },
  { name: 'log_lock_failures', why: '18: new (off)' },
  { name: 'log_connections', why: '18: boolean -> list of aspects (on still accepted)' },
  // Sessions, planner
  { name: 'transaction_timeout', why: '17: new (0)' },
  { name: 'idle_session_timeout', why: '14: new (0)' },
  { name: 'compute_query_id', why: '14: new (auto)' },
  { name: 'default_toast_compression', why: '14: new (pglz)' },
  { name: 'enable_presorted_aggregate', why: '16: new (on)' },
  { name: 'enable_group_by_reordering', why: '17: new (on)' },
  { name: 'force_parallel_mode', why: '16: removed, renamed debug_parallel_query' },
  { name: 'old_snapshot_threshold', why: '17: removed' },
  { name: 'db_user_namespace', why: '17: removed' },
  { name: 'allow_alter_system', why: '17: new (on)' },
  { name: 'stats_fetch_consistency', why: '15: new (cache)' },
];
