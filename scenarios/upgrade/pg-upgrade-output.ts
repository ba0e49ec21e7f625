import { cp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUT_DIR = 'pg_upgrade_output.d';

/**
 * Moves pg_upgrade's own log directory (`pg_upgrade_output.d` in the new data directory, kept
 * with `--retain` or after a failure) into the step's artifacts, so the run keeps it and a
 * later pg_upgrade starts clean. Returns where it went, if there was one.
 */
export async function keepUpgradeOutput(newDataDir: string, artifactDir: string, label: string): Promise<string | undefined> {
  const source = join(newDataDir, OUTPUT_DIR);
  if (!existsSync(source)) return undefined;
  const target = join(artifactDir, `${OUTPUT_DIR.replace('.d', '')}-${label}`);
  await cp(source, target, { recursive: true });
  await rm(source, { recursive: true, force: true });
  return target;
}

/** `text` with the paths into pg_upgrade's log directory pointing where `keepUpgradeOutput` moved it. */
export function movedOutputPaths(text: string, newDataDir: string, logDir: string | undefined): string {
  return logDir ? text.split(join(newDataDir, OUTPUT_DIR)).join(logDir) : text;
}

/** Why pg_upgrade failed: one line, the whole report, and pg_upgrade's explanation and the files it points to apart. */
export interface UpgradeFailureReason {
  short: string;
  full: string;
  /** pg_upgrade's explanation of the failed check or step, its wrapped lines joined. */
  detail?: string;
  /** Where pg_upgrade put what it found (`A list of the problem columns is in the file: …`, `Consult … for the probable cause`). */
  hint?: string;
}

/**
 * Why pg_upgrade failed, in a few lines: the step it was on, its report from there, and the
 * files it points to (the list of problem columns; the error in a log), read while they exist.
 */
export async function upgradeFailureReason(output: string): Promise<UpgradeFailureReason> {
  const lines = output.replace(/\r/g, '').split('\n').map((l) => l.trimEnd());
  // A failed check is marked "fatal" on its own line; a failed step prints "*failure*" below its name.
  // (17 and later print the data type checks' failure as "… failed check: <the check>".)
  const fatalAt = lines.findLastIndex((l) => /\s(fatal|failed)$|\bfailed check: /.test(l));
  const failureAt = lines.findLastIndex((l) => l.trim() === '*failure*');
  let step = '';
  // Without a marker, the message follows the last check that passed.
  const lastOk = lines.findLastIndex((l) => /\sok$/.test(l));
  let from = lastOk >= 0 ? lastOk + 1 : Math.max(0, lines.length - 15);
  if (failureAt > fatalAt) {
    step = lines[failureAt - 1]?.trim() ?? '';
    from = failureAt + 1;
  } else if (fatalAt >= 0) {
    const line = lines[fatalAt] ?? '';
    step = (/\bfailed check: (.*)$/.exec(line)?.[1] ?? line.replace(/\s+(fatal|failed)$/, '')).trim();
    from = fatalAt + 1;
  }
  const report = lines.slice(from).filter((l) => l.trim() !== '' && l.trim() !== 'Failure, exiting' && !/^-+$/.test(l.trim()));
  const files: string[] = [];
  let pointed: string | undefined;
  for (const path of new Set(report.join('\n').match(/\/[^\s"]+/g) ?? [])) {
    if (!existsSync(path)) continue;
    const body = (await readFile(path, 'utf8').catch(() => '')).trimEnd().split('\n');
    if (!body.join('')) continue;
    let shown: string[];
    if (path.endsWith('.log')) {
      const errorAt = body.findLastIndex((l) => /\b(error|ERROR|FATAL|PANIC)\b/.test(l));
      shown = errorAt >= 0 ? body.slice(errorAt, errorAt + 6) : body.slice(-12);
      pointed ??= errorAt >= 0 ? body[errorAt]?.trim() : undefined;
    } else {
      shown = body.slice(0, 20);
      pointed ??= body.slice(0, 3).map((l) => l.trim()).join('; ');
    }
    files.push(`--- ${path.split('/').pop()} ---\n${shown.join('\n')}`);
  }
  const headline = report.find((l) => !/^(Consult|the probable cause|child process exited)|:$/.test(l.trim()))?.trim();
  const said = [headline, pointed].filter(Boolean).join(' — ');
  const { explanation, pointers } = splitReport(report);
  return {
    short: `${step ? `${step}: ` : ''}${said || headline || 'no output'}`,
    full: [step, ...report, ...files].filter(Boolean).join('\n'),
    ...(explanation ? { detail: explanation } : {}),
    ...(pointers ? { hint: pointers } : {}),
  };
}

/** An absolute path in a line (after a space or a quote, so that `and/or` is not one). */
const PATH = /(?:^|[\s"])\/[^\s"]+/;

/**
 * pg_upgrade's report cut in two: the explanation (its wrapped lines joined into sentences) and
 * the lines that point to files (`A list of … is in the file:` and the path under it).
 */
function splitReport(report: string[]): { explanation: string; pointers: string } {
  const explanation: string[] = [];
  const pointers: string[] = [];
  report.forEach((raw, i) => {
    const line = raw.trim();
    const next = report[i + 1]?.trim() ?? '';
    const introducesPath = line.endsWith(':') && PATH.test(next) && !next.includes(' ');
    if (PATH.test(line) || introducesPath || /^(for )?the probable cause/.test(line)) pointers.push(line);
    // A heading (`Data type checks failed:`) or a lone colon line says nothing the step does not.
    else if (!line.endsWith(':')) explanation.push(line);
  });
  const join = (lines: string[]) => lines.join(' ');
  return { explanation: join(explanation), pointers: join(pointers) };
}
