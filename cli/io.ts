/** Where the CLI writes: results on stdout, progress and errors on stderr. */
export interface CliIo {
  /** A result line (stdout). */
  out(line: string): void;
  /** A progress or error line (stderr). */
  err(line: string): void;
  /** Styling for stdout lines; identity functions when colour is off. */
  readonly style: Style;
  /** Styling for stderr lines. */
  readonly errStyle: Style;
  /** True when stderr is a terminal: progress may then rewrite one line in place. */
  readonly errTty?: boolean;
  /** Replaces the current progress line on stderr (a terminal only; no newline). */
  errUpdate?(line: string): void;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourEnabled(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** The CLI's output for the given streams and environment. */
export function createIo(stdout: Stream, stderr: Stream, env: NodeJS.ProcessEnv): CliIo {
  return {
    out: (line) => void stdout.write(`${line}\n`),
    err: (line) => void stderr.write(`${line}\n`),
    style: makeStyle(colourEnabled(stdout, env)),
    errStyle: makeStyle(colourEnabled(stderr, env)),
    errTty: stderr.isTTY === true && env.TERM !== 'dumb',
    errUpdate: (line) => void stderr.write(`\r\u001b[K${line}`),
  };
}

function makeStyle(on: boolean): Style {
  const sgr = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };
}

/**
 * Text from a database or a file, made safe for a terminal: control characters (an identifier
 * could hold an escape sequence) are shown as U+FFFD, never interpreted.
 */
export function plain(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(value ?? '').replace(/[\u0000-\u001F\u007F-\u009F]/g, '\uFFFD');
}
