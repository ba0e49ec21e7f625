import { readdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const RC = '.psqlrc';

/**
 * The environment that makes a command step's psql print the SQLSTATE of its errors
 * (`ERROR:  22012: …`, which psql prints only with VERBOSITY verbose), so the step's error can
 * carry it. `PSQLRC` points at a file in the step's directory that sets VERBOSITY verbose and then
 * includes the user's own `~/.psqlrc`, whose settings therefore still win. psql looks for
 * `PSQLRC-<version>` and `PSQLRC-<major>` before `PSQLRC` as it does for `~/.psqlrc`, so each
 * version-specific `~/.psqlrc-*` gets its twin and psql picks the same file as without cutover.
 * A user who set PSQLRC (or runs `psql -X`) gets psql as they configured it: nothing is added.
 */
export async function verbosePsqlrcEnv(dir: string, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  if (env.PSQLRC !== undefined) return {};
  const home = env.HOME || homedir();
  const names = await readdir(home).catch(() => [] as string[]);
  const own = names.filter((n) => n === RC || n.startsWith(`${RC}-`));
  const base = join(dir, 'psqlrc');
  await writeFile(base, rcText(own.includes(RC) ? join(home, RC) : undefined));
  for (const name of own.filter((n) => n !== RC)) await writeFile(`${base}${name.slice(RC.length)}`, rcText(join(home, name)));
  return { PSQLRC: base };
}

function rcText(include: string | undefined): string {
  const lines = ['-- Written by cutover: psql prints the SQLSTATE of an error for the step record.', '\\set VERBOSITY verbose'];
  // A quoted argument of a backslash command: backslashes are escapes, a quote is doubled.
  if (include) lines.push(`\\i '${include.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`);
  return `${lines.join('\n')}\n`;
}
