import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CutoverError } from '../core/errors.js';
import { describeEndpoint } from '../core/endpoint.js';
import { resolveEndpoint } from '../core/resolve-endpoint.js';
import { compatRehearsal, type CompatTargetServer } from '../scenarios/compat/index.js';
import { buildCompatReport, type CompatReport } from '../reports/compat/compat-report.js';
import { renderCompatJson, renderCompatJunit, renderCompatMarkdown } from '../reports/compat/compat-render.js';
import type { CliRuntime } from './runtime.js';
import { loadCliConfig } from './load-config.js';
import { assertWritable } from './output-path.js';
import { writeOutput } from './write-output.js';
import { printGateLines } from './terminal-lines.js';
import { plain } from './io.js';

export interface CompatOptions {
  db?: string;
  to: string;
  toBindir?: string;
  targetServer?: CompatTargetServer;
  keep?: string;
  config?: string;
  json?: string;
  junit?: string;
  md?: string;
}

const OUTPUTS = [
  { option: 'json', flag: '--json', render: renderCompatJson },
  { option: 'junit', flag: '--junit', render: renderCompatJunit },
  { option: 'md', flag: '--md', render: renderCompatMarkdown },
] as const;

/** Failing findings listed on the terminal; the rest are in the files. */

/** Runs `cutover compat` with parsed options; returns the exit code (the gate's, as `cutover diff`). */
export async function runCompat(options: CompatOptions, runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  // Everything is validated before the first connection opens.
  const targetMajor = parseMajor(options.to);
  if (options.toBindir !== undefined && !statSync(options.toBindir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CutoverError('usage', `--to-bindir: expected a directory, got "${options.toBindir}"`);
  }
  if (options.keep !== undefined && existsSync(options.keep) && !statSync(options.keep).isDirectory()) {
    throw new CutoverError('usage', `--keep: expected a directory, got the file "${options.keep}"`);
  }
  const endpoint = resolveEndpoint({ url: options.db, urlLabel: '--db' }, runtime.env, undefined, (m) => io.err(`cutover: warning: ${m}`));
  const { config } = await loadCliConfig(options.config, runtime.cwd);
  const outputs = OUTPUTS.flatMap((o) => {
    const path = options[o.option];
    return path === undefined ? [] : [{ ...o, path, file: assertWritable(o.flag, path) }];
  });

  const result = await compatRehearsal({
    source: endpoint,
    targetMajor,
    ...(options.toBindir !== undefined ? { toolsBindir: resolve(options.toBindir) } : {}),
    ...(options.targetServer ? { targetServer: options.targetServer } : {}),
    ...(options.keep !== undefined ? { artifactDir: resolve(options.keep) } : {}),
    signal: runtime.signal,
    log: (line) => io.err(`cutover: ${plain(line)}`),
  });
  runtime.signal.throwIfAborted();
  const report = buildCompatReport(result, config.gate);
  for (const o of outputs) await writeOutput(o.file, o.render(report));
  printSummary(runtime, report, outputs.map((o) => o.path));
  return report.verdict === 'fail' ? 1 : 0;
}

function parseMajor(value: string): number {
  const major = Number(value);
  if (!/^\d+$/.test(value) || major < 10 || major > 99) {
    throw new CutoverError('usage', `--to: expected a major version such as 17, got "${value}"`);
  }
  return major;
}

function printSummary(runtime: CliRuntime, report: CompatReport, written: string[]): void {
  const { out } = runtime.io;
  const s = report.summary;
  out(`source: PostgreSQL ${plain(report.source.version)} (${plain(describeEndpoint(report.source.endpoint))})`);
  out(`target: PostgreSQL ${plain(report.target.version)} (${report.target.server}, tools ${plain(report.target.toolsBindir)})`);
  out(`schema: ${s.entries} entries, ${s.failedEntries} refused; roles: ${s.roles}`);
  if (report.pgUpgradeCheck) out(`pg_upgrade --check: ${report.pgUpgradeCheck.status}${report.pgUpgradeCheck.reason ? ` (${plain(report.pgUpgradeCheck.reason)})` : ''}`);
  printGateLines(runtime.io, report, written);
}
