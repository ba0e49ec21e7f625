import { CommanderError } from 'commander';
import { CutoverError, errorInfo } from '../core/errors.js';
import type { CliIo } from './io.js';

/**
 * Prints an error as one clear line on stderr and returns the exit code DESIGN.md documents:
 * 2 usage, config or input; 3 could not complete; 130 interrupted. Stacks only when debugging.
 */
export function reportError(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version were printed by commander; `commander.help` is help shown for a missing command.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return 2;
    io.err(`cutover: ${oneLine(error.message.replace(/^error: /, ''))}`);
    return 2;
  }
  if (error instanceof CutoverError) {
    io.err(`cutover: ${oneLine(error.shortMessage)}${debug ? '' : serverFacts(error)}`);
    // The rest of an input's problems, so that one run names every field to fix.
    for (const problem of error.problems?.slice(1) ?? []) io.err(`cutover: ${oneLine(problem)}`);
    if (debug) printDebug(error, io);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`cutover: unexpected error: ${oneLine(message)}${debug ? '' : ' (run with --debug or CUTOVER_DEBUG=1 for the stack)'}`);
  if (debug) printDebug(error, io);
  return 3;
}

/** Whether stacks and full messages are wanted. */
export function debugWanted(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--debug') || env.CUTOVER_DEBUG === '1' || env.CUTOVER_DEBUG === 'true';
}

function printDebug(error: unknown, io: CliIo): void {
  const info = errorInfo(error);
  if (error instanceof CutoverError && error.message !== error.shortMessage) io.err(error.message);
  if (info.sqlState) io.err(`SQLSTATE: ${info.sqlState}`);
  if (info.detail) io.err(`DETAIL: ${info.detail}`);
  if (info.hint) io.err(`HINT: ${info.hint}`);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    io.err(depth === 0 ? (e.stack ?? e.message) : `caused by: ${e.stack ?? e.message}`);
  }
}

/**
 * What the server said beyond the message, on the same line: the SQLSTATE of a failed query (a
 * connection error's message names its cause already) and a hint the message does not hold.
 */
function serverFacts(error: CutoverError): string {
  const facts: string[] = [];
  if (error.sqlState && error.code === 'query') facts.push(`SQLSTATE ${error.sqlState}`);
  if (error.hint && !error.shortMessage.includes(error.hint)) facts.push(`HINT: ${error.hint.replace(/\s*\n\s*/g, ' ')}`);
  return facts.length ? ` [${facts.join('; ')}]` : '';
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}
