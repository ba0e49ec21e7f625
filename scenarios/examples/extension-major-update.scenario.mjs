// An extension's major update as a runbook does it, the soak writing the whole time:
// the new packages are installed (the server's extension files offer the new version), the
// databases still hold the old one; pre-checks, `ALTER EXTENSION … UPDATE`, post-checks, and the
// EXPLAIN baselines of the queries the application runs against the extension.
//
//   cutover run scenarios/examples/extension-major-update.scenario.mjs
//
// Here the extension is pgvector, 0.6.2 -> 0.8.0 (0.7.0 added the halfvec and sparsevec types,
// binary quantization, bit distances and their operator classes; 0.8.0 iterative index scans).
// What the report shows: the step's row with each database's version before and after and the
// objects the update added, removed or changed (the "Extension updates" table), the check diff's
// `extensions.objects` findings (a removed function something depended on fails, one a query
// may call warns; the user's indexes on the extension's operator classes must stay valid), and
// `explain.baselines`: a query that fails after the update but not before (it called a function
// the update renamed or removed) is a `fail` naming the query and PostgreSQL's error.
// docs/extension-updates.md has the rest, and what to change for another extension.
//
// The installation must offer both versions: the upgrade lab's (scripts/lab.sh, then
// scripts/pgvector-releases.sh, which adds pgvector 0.6.2's install script next to 0.8.0) does:
//   set -a; . /var/cache/cutover-lab/lab.env; set +a
const bindir = process.env.CUTOVER_LAB_PG17_BINDIR || '/usr/lib/postgresql/17/bin';
const from = process.env.CUTOVER_EXAMPLE_EXTENSION_FROM || '0.6.2';

export default {
  name: 'extension-major-update',
  blue: { provider: 'bindir', bindir },
  // The state the runbook starts from: the databases at the old version, created before the dataset
  // (which would otherwise create the newest); the dataset then builds its embeddings table with
  // HNSW and IVFFlat indexes on it.
  setup: [{ sql: `CREATE EXTENSION vector VERSION '${from}'`, before: 'dataset' }],
  dataset: { name: 'notifications', scale: 0.05 },
  soak: { rate: 20 },
  config: {
    explain: {
      // The application's own queries against the extension (the dataset adds its baselines too).
      queries: [
        {
          name: 'similar-notifications-cosine',
          sql: `SELECT notification_id, embedding <=> (SELECT embedding FROM app.notification_embeddings WHERE notification_id = 7) AS distance
                  FROM app.notification_embeddings ORDER BY distance LIMIT 10`,
          analyze: true,
          repeat: 3,
        },
        {
          name: 'embedding-norms',
          sql: `SELECT notification_id, vector_norm(embedding) AS norm, vector_dims(embedding) AS dims FROM app.notification_embeddings WHERE notification_id <= 100`,
          analyze: true,
          repeat: 3,
        },
      ],
    },
  },
  steps: [
    // In every database of blue that has the extension; default target: the installation's default_version.
    { action: 'extension-update', name: 'pgvector update', names: ['vector'] },
    // The application keeps writing on the updated extension before the post-checks (the update
    // itself takes a fraction of a second: without this the soak would prove little).
    { action: 'wait', name: 'soak on the new version', duration: '5s' },
  ],
};
