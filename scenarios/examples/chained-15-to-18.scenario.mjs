// A chained major upgrade, one major at a time, as a runbook that cannot skip majors does it:
// PostgreSQL 15 -> 16 -> 17 -> 18 in one run, the soak writing the whole time.
//
//   cutover run scenarios/examples/chained-15-to-18.scenario.mjs
//
// Each hop is a `pg-upgrade` step into its own installation (`to`) and role, in place with
// --link, the new server on the old one's port (clients reconnect to the same address). pgvector
// follows with `ALTER EXTENSION vector UPDATE` as a step of its own, and the check suite runs on
// each intermediate major (`check`); the post-checks run on 18. See docs/chained-upgrades.md.
//
// The installations default to the Debian/Ubuntu layout of the PostgreSQL packages
// (/usr/lib/postgresql/N/bin); the upgrade lab's (scripts/lab.sh) are taken from its lab.env:
//   set -a; . /var/cache/cutover-lab/lab.env; set +a
const bindir = (major) => process.env[`CUTOVER_LAB_PG${major}_BINDIR`] || `/usr/lib/postgresql/${major}/bin`;

// Every hop: pg_upgrade into the next major, then pgvector's update (a no-op when its version
// did not change), then the checks unless it is the last hop (the post-checks follow it).
const hop = (major, last) => [
  { action: 'pg-upgrade', name: `pg_upgrade to ${major}`, to: bindir(major), role: `pg${major}`, updateExtensions: false },
  { action: 'extension-update', name: `pgvector on ${major}`, names: ['vector'] },
  ...(last ? [] : [{ action: 'check', name: `checks on ${major}` }]),
];

export default {
  name: 'chained-15-to-18',
  blue: { provider: 'bindir', bindir: bindir(15) },
  // Small, so that the example runs in a minute; the notifications dataset has embeddings under
  // HNSW and IVFFlat indexes where pgvector is installed.
  dataset: { name: 'notifications', scale: 0.05 },
  soak: { rate: 20 },
  steps: [...hop(16), ...hop(17), ...hop(18, true)],
};
