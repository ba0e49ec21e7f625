export { findPgbench, type PgbenchBinary, type FindPgbenchOptions } from './find-pgbench.js';
export { parseLogLine, readPgbenchLogs, type PgbenchTransaction, type PgbenchStatus } from './pgbench-log.js';
export { logToTimeline, type LogTimeline, type LogTimelineOptions } from './log-timeline.js';
export { compileWorkload, type CompiledScript, type CompiledWorkload } from './compile-workload.js';
export { BUILTIN_SCRIPTS, parseScriptSpec, scriptArgs, scriptLabel, scriptName, type BuiltinScript, type ScriptSpec } from './pgbench-scripts.js';
export { runPgbench, initPgbench, pgbenchEnv, pgbenchProblems, unreachable, type PgbenchRunOptions, type PgbenchRunResult, type PgbenchTarget } from './run-pgbench.js';
export { checkScripts } from './check-scripts.js';
