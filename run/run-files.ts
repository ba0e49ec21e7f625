/**
 * The name of every artifact of a run directory (DESIGN.md, "The run directory"), in one place.
 * Files the load writes as it runs keep their names next to their writers (load/ is below run/);
 * they are re-exported here so that a reader of the run directory finds them all.
 */
export { TIMELINE_FILE } from '../load/timeline-writer.js';
export { WINDOWS_FILE } from '../load/analysis/window-log.js';
export { FLAGGED_IDS_FILE } from '../load/flagged-ids-file.js';
export { CLOUDWATCH_FILE } from './cloudwatch-record.js';
export { REPLICATION_LAG_FILE } from './replication-lag.js';

/** The manifest. */
export const RUN_FILE = 'run.json';
/** The ledger's directory, one file per writer (as `files.ledger` names it: with its slash). */
export const LEDGER_DIR = 'ledger/';
export const PRE_SNAPSHOT_FILE = 'pre.snapshot.json';
export const POST_SNAPSHOT_FILE = 'post.snapshot.json';
/** A move off SQLite: the checks of the SQLite file (checks/sqlite/), in place of the pre-checks on a PostgreSQL blue. */
export const SQLITE_SNAPSHOT_FILE = 'sqlite.snapshot.json';
export const FINDINGS_FILE = 'findings.json';
export const REPORT_FILE = 'report.html';
export const SUMMARY_FILE = 'summary.md';
export const JUNIT_FILE = 'junit.xml';
/** A `command` step's output, in the step's own directory. */
export const COMMAND_LOG_FILE = 'command.log';
