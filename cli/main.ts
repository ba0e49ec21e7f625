#!/usr/bin/env node
import { errorLine } from '../core/errors.js';
import { createIo } from './io.js';
import { CliRuntime } from './runtime.js';
import { runCli } from './run-cli.js';

// The only place that calls process.exit: everything else returns exit codes or throws.
const CLEANUP_DEADLINE_MS = 20_000;

const io = createIo(process.stdout, process.stderr, process.env);
const runtime = new CliRuntime(io, process.env, process.cwd());

let signals = 0;
const onSignal = (name: NodeJS.Signals) => {
  signals++;
  if (signals > 1) {
    io.err('cutover: interrupted again; exiting without waiting for cleanup');
    process.exit(130);
  }
  runtime.interrupt(name);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv, runtime);
const deadline = new Promise<'timeout'>((resolve) => setTimeout(resolve, CLEANUP_DEADLINE_MS, 'timeout').unref());
const cleaned = await Promise.race([runtime.cleanup(), deadline]);
if (cleaned === 'timeout') {
  io.err(`cutover: cleanup did not finish within ${CLEANUP_DEADLINE_MS / 1000} s; exiting anyway`);
} else {
  for (const error of cleaned) io.err(`cutover: cleanup: ${errorLine(error)}`);
}
process.exit(code);
