// A minor upgrade (15.x -> newer 15.x, same data directory) of a server running pg_tviews, with the
// soak writing the whole time and the runbook's checklist as checks (docs/pg-tviews.md):
//
//   scripts/pg-tviews.sh 15        # builds pg_tviews 0.1.0-beta.20 for 15 (the last release for 15)
//   CUTOVER_PG_TVIEWS_DIR=<the CUTOVER_PG_TVIEWS_PG15_DIR it prints> \
//     cutover run scenarios/examples/pg-tviews-minor-upgrade.scenario.mjs
//
// - "version noted before": the pre-checks record pg_tviews_version() (the library) and the
//   extension's extversion; a library of another release after the restart is a warning.
// - "metadata intact, every TVIEW healthy": the pg_tviews check reads tviews.registry, the health
//   check and each TVIEW's rows against its query's (in one snapshot) before and after; a TVIEW
//   missing, unhealthy, stale, or whose rows moved otherwise than its base table's is a finding.
// - "refresh works after": checks.pgTviews.refresh runs pg_tviews_refresh() of every TVIEW in a
//   transaction rolled back (it locks the TVIEW: off by default).
// - "reinstall if the library is missing": the new binaries get the same build (`extensions` of the
//   step, installed into a copy of them). Without it, the step fails before stopping blue, naming
//   the library, the extension and the TVIEWs.
//
// Blue is the embedded 15.18 (npm), the new binaries a local 15 installation: the upgrade lab's
// (CUTOVER_LAB_PG15_BINDIR from scripts/lab.sh's lab.env), else Debian's /usr/lib/postgresql/15/bin.
const tviews = process.env.CUTOVER_PG_TVIEWS_DIR;
if (!tviews) throw new Error('CUTOVER_PG_TVIEWS_DIR: expected the directory of a pg_tviews build for PostgreSQL 15 (scripts/pg-tviews.sh 15 prints it), got none');
const newBindir = process.env.CUTOVER_LAB_PG15_BINDIR || '/usr/lib/postgresql/15/bin';
const pgTviews = { from: tviews, preload: true };

export default {
  name: 'pg-tviews-minor-upgrade',
  blue: { provider: 'embedded', version: '15.18', extensions: [pgTviews] },
  dataset: { name: 'notifications', scale: 0.05 },
  // A TVIEW the soak's writes reach. 0.1.0-beta.20 maintains a TVIEW tv_<entity> from a base table
  // tb_<entity> (pk_<entity>, id uuid, data jsonb in its query), so the soak's own table
  // (cutover.events, inserted into and updated by the soak) feeds public.tb_event through a trigger.
  // Releases for 16 and later (0.1.0-beta.34) take any table: a TVIEW directly over cutover.events.
  setup: [
    'CREATE EXTENSION pg_tviews',
    'CREATE TABLE public.tb_event (pk_event bigint PRIMARY KEY, id uuid NOT NULL, status text NOT NULL, payload text)',
    `CREATE FUNCTION public.tb_event_follow() RETURNS trigger LANGUAGE plpgsql AS $f$
       BEGIN
         INSERT INTO public.tb_event VALUES (NEW.id, md5(NEW.id::text)::uuid, NEW.status, NEW.payload)
           ON CONFLICT (pk_event) DO UPDATE SET status = EXCLUDED.status, payload = EXCLUDED.payload;
         RETURN NULL;
       END $f$`,
    'CREATE TRIGGER tb_event_follow AFTER INSERT OR UPDATE ON cutover.events FOR EACH ROW EXECUTE FUNCTION public.tb_event_follow()',
    `SELECT tviews.pg_tviews_create('tv_event', $$SELECT pk_event, id, jsonb_build_object('status', status, 'payload', payload) AS data FROM public.tb_event$$)`,
  ],
  soak: { rate: 20 },
  config: { checks: { pgTviews: { refresh: true } } },
  steps: [
    { action: 'wait', duration: '2s' },
    { action: 'minor-restart', to: newBindir, extensions: [pgTviews] },
    { action: 'wait', duration: '2s', name: 'soak after' },
  ],
};
