import type { RegisterCommand } from './runtime.js';
import { registerBaseline } from './baseline.js';
import { registerCheck } from './check.js';
import { registerCompare } from './compare.js';
import { registerCompat } from './compat.js';
import { registerDiff } from './diff.js';
import { registerRehearse } from './rehearse.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerSoak } from './soak.js';
import { registerVerify } from './verify.js';
import { registerValidate } from './validate.js';

/** Every subcommand, in the order `cutover --help` lists them. A new command is one line here. */
export const COMMANDS: RegisterCommand[] = [
  registerCheck,
  registerDiff,
  registerCompat,
  registerSoak,
  registerBaseline,
  registerVerify,
  registerValidate,
  registerRehearse,
  registerRun,
  registerReport,
  registerCompare,
];
