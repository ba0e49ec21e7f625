import { basename } from 'node:path';
import { CutoverError } from '../../core/errors.js';

/** pgbench's built-in scripts (`-b`). */
export const BUILTIN_SCRIPTS = ['tpcb-like', 'simple-update', 'select-only'] as const;
export type BuiltinScript = (typeof BUILTIN_SCRIPTS)[number];

/** One script of a pgbench run: built in, or a file; with its weight. */
export type ScriptSpec = { kind: 'builtin'; name: BuiltinScript; weight: number } | { kind: 'file'; path: string; weight: number; name: string };

/**
 * Parses a `--pgbench` value: `builtin:tpcb-like` (also `tpcb-like`), or a script file, each with
 * an optional `@weight` as pgbench writes it (`builtin:select-only@9`, `mine.sql@1`).
 */
export function parseScriptSpec(text: string, option = '--pgbench'): ScriptSpec {
  const m = /^(.*?)(?:@(\d+))?$/.exec(text.trim());
  const target = m?.[1] ?? '';
  const weight = m?.[2] === undefined ? 1 : Number(m[2]);
  if (!target) throw new CutoverError('usage', `${option}: expected builtin:tpcb-like, builtin:simple-update, builtin:select-only or a script file (optionally @weight), got "${text}"`);
  if (weight < 1) throw new CutoverError('usage', `${option}: expected a weight of at least 1 after @, got "${text}"`);
  const builtin = target.startsWith('builtin:') ? target.slice('builtin:'.length) : (BUILTIN_SCRIPTS as readonly string[]).includes(target) ? target : undefined;
  if (builtin !== undefined) {
    if (!(BUILTIN_SCRIPTS as readonly string[]).includes(builtin)) {
      throw new CutoverError('usage', `${option}: expected builtin:tpcb-like, builtin:simple-update or builtin:select-only, got "${text}"`);
    }
    return { kind: 'builtin', name: builtin as BuiltinScript, weight };
  }
  return { kind: 'file', path: target, weight, name: basename(target) };
}

/** The timeline's operation name of a script. */
export function scriptName(s: ScriptSpec): string {
  return s.kind === 'builtin' ? s.name : s.name;
}

/** pgbench's arguments for the scripts: `-b name@w` / `-f file@w`. */
export function scriptArgs(scripts: readonly ScriptSpec[]): string[] {
  return scripts.flatMap((s) => (s.kind === 'builtin' ? ['-b', `${s.name}@${s.weight}`] : ['-f', `${s.path}@${s.weight}`]));
}

/** How the record names a script: `builtin:tpcb-like`, or the file as given. */
export function scriptLabel(s: ScriptSpec): string {
  return s.kind === 'builtin' ? `builtin:${s.name}` : s.path;
}
