import type { Command } from 'commander';
import type { CliRuntime } from './runtime.js';
import type { VerifyOptions } from './verify-action.js';

/** `cutover verify`: re-verifies a run directory's ledger against a database. */
export function registerVerify(program: Command, runtime: CliRuntime): void {
  program
    .command('verify')
    .summary("re-verify a run directory's ledger against a database")
    .description(
      'Reads the ledger of a run directory (also one left by a harness that died mid-soak) and sorts every ' +
        'ledgered write by what the database holds: confirmed, lost, recovered, not committed, failed (as the client was told), unexpected, ' +
        'duplicated; prints them with the outages the run recorded. It writes nothing unless asked: --ids FILE ' +
        'lists each lost, unexpected and duplicated id (one JSON line each: class, writer, id, due time, step); ' +
        '--record writes the verification into the run directory (run.json, the flagged ids) and re-renders its report, ' +
        'marking a run whose harness died as interrupted.\n\n' +
        'Exit 0 nothing lost, unexpected or duplicated; 1 something was; 2 usage or unreadable run directory; 3 could not complete.',
    )
    .option('--run-dir <dir>', 'the run directory of a soak or a rehearsal (required)')
    .option('--db <url>', 'connection URI of the final writer; default: PG* variables, like psql')
    .option('--json', 'print the result as one JSON object (the contract of DESIGN.md) instead of text')
    .option('--record', "write the verification into the run directory's run.json and re-render its report")
    .option('--ids <file>', "write each lost, unexpected and duplicated id to FILE, one JSON line each ('-': stdout)")
    .action(
      runtime.action(async (options: VerifyOptions) => {
        const { runVerify } = await import('./verify-action.js');
        return runVerify(options, runtime);
      }),
    );
}
