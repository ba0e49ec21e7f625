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

/**
 * Why pg_upgrade failed, in a few lines: the step it was on, its report from there, and the
 * files it points to (the list of problem columns; the error in a log), read while they exist.
 */
export async function upgradeFailureReason(output: string): Promise<{ short: string; full: string }> {
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
  return {
    short: `${step ? `${step}: ` : ''}${said || headline || 'no output'}`,
    full: [step, ...report, ...files].filter(Boolean).join('\n'),
  };
}
