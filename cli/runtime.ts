import type { Command } from 'commander';
import { CutoverError } from '../core/errors.js';
import type { CliIo } from './io.js';

/**
 * What every command gets from the entry point: output, the environment, an abort signal that
 * fires on Ctrl-C, and a place to register cleanup that must run even then.
 */
export class CliRuntime {
  /** The exit code the last command's action returned. */
  exitCode = 0;
  private readonly controller = new AbortController();
  private readonly cleanups: (() => unknown)[] = [];

  constructor(
    readonly io: CliIo,
    readonly env: NodeJS.ProcessEnv,
    readonly cwd: string,
  ) {}

  /** Aborted when the user interrupts; long operations should stop at the next step. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Registers cleanup (close a server, remove a file); all of it runs, in reverse order, at exit. */
  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** Marks the run as interrupted: the signal aborts with an `interrupted` error. */
  interrupt(signalName: string): void {
    if (!this.controller.signal.aborted) {
      this.controller.abort(new CutoverError('interrupted', `interrupted (${signalName})`));
    }
  }

  /** Runs every registered cleanup once, in reverse order, and returns the errors it met. */
  async cleanup(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const fn of this.cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }

  /** Wraps a command's handler for commander: its return value becomes the exit code. */
  action<A extends unknown[]>(handler: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      this.exitCode = await handler(...args);
    };
  }
}

/**
 * Adds one subcommand to the program. A new command is one file and one line in `commands.ts`.
 * Keep registration light and import the implementation inside the action (see `check.ts`):
 * every command is registered on every run, so a static import slows even `cutover --help`.
 */
export type RegisterCommand = (program: Command, runtime: CliRuntime) => void;
