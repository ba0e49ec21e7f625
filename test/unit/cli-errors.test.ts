import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { colourEnabled, createIo, plain, type CliIo } from '../../cli/io.js';
import { debugWanted, reportError } from '../../cli/report-error.js';

function captureIo(): { io: CliIo; err: string[] } {
  const err: string[] = [];
  const io = createIo({ write: () => true }, { write: (s: string) => err.push(...s.split('\n').filter(Boolean)) }, {});
  return { io, err };
}

describe('reportError', () => {
  it('maps a CutoverError to its exit code with its short message on one line', () => {
    const { io, err } = captureIo();
    const code = reportError(new CutoverError('connect', 'cannot connect to u@h:5432/db: refused', { message: 'long\nSQL' }), io, false);
    expect(code).toBe(3);
    expect(err).toEqual(['cutover: cannot connect to u@h:5432/db: refused']);
  });

  it('maps usage, config and input errors to 2 and interruption to 130', () => {
    for (const [c, exit] of [['usage', 2], ['config', 2], ['input', 2], ['auth', 3], ['interrupted', 130]] as const) {
      expect(reportError(new CutoverError(c, 'x'), captureIo().io, false)).toBe(exit);
    }
  });

  it("prints commander's error without its prefix and exits 2", () => {
    const { io, err } = captureIo();
    expect(reportError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), io, false)).toBe(2);
    expect(err).toEqual(["cutover: unknown option '--x'"]);
  });

  it('exits 0 after help or version, which commander printed itself', () => {
    const { io, err } = captureIo();
    expect(reportError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), io, false)).toBe(0);
    expect(reportError(new CommanderError(0, 'commander.version', '0.1.0'), io, false)).toBe(0);
    expect(err).toEqual([]);
  });

  it('reports an unexpected error in one line with exit 3, and the stack only when debugging', () => {
    const quiet = captureIo();
    expect(reportError(new TypeError('x is undefined'), quiet.io, false)).toBe(3);
    expect(quiet.err).toHaveLength(1);
    expect(quiet.err[0]).toMatch(/^cutover: unexpected error: x is undefined \(run with --debug/);
    const loud = captureIo();
    reportError(new TypeError('x is undefined'), loud.io, true);
    expect(loud.err.some((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('wants debugging with --debug or CUTOVER_DEBUG=1', () => {
    expect(debugWanted(['node', 'main.js', 'diff', '--debug'], {})).toBe(true);
    expect(debugWanted(['node', 'main.js'], { CUTOVER_DEBUG: '1' })).toBe(true);
    expect(debugWanted(['node', 'main.js'], {})).toBe(false);
  });
});

describe('terminal output', () => {
  it('uses colour only on a terminal without NO_COLOR', () => {
    expect(colourEnabled({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(colourEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(colourEnabled({ write: () => true, isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('never passes control characters from a database to the terminal', () => {
    expect(plain('evil\u001b[2Jname\r\n')).toBe('evil\uFFFD[2Jname\uFFFD\uFFFD');
  });
});
