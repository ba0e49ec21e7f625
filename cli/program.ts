import { Command } from 'commander';
import { toolVersion } from '../core/tool-version.js';
import type { CliRuntime } from './runtime.js';
import { COMMANDS } from './commands.js';

/** The `cutover` program with every subcommand; errors are thrown to the entry point, not printed. */
export function buildProgram(runtime: CliRuntime): Command {
  const program = new Command('cutover')
    .description('Validation and soak-test harness for PostgreSQL upgrades.')
    .version(toolVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--debug', 'show stack traces of unexpected errors (or set CUTOVER_DEBUG=1)')
    .addHelpText(
      'after',
      '\nExit codes: 0 pass, 1 gate failed, 2 usage or input error, 3 could not complete, 130 interrupted.',
    )
    // Settings copied to every subcommand created after this point.
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => void process.stdout.write(s),
      writeErr: (s) => void process.stderr.write(s),
      // The entry point prints commander's errors as `cutover: <message>`, one line.
      outputError: () => {},
    });
  for (const register of COMMANDS) register(program, runtime);
  return program;
}
