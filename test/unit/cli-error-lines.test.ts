import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { createIo } from '../../cli/io.js';
import { reportError } from '../../cli/report-error.js';
import { errorRecordLine } from '../../cli/terminal-lines.js';

function capture(error: unknown): string[] {
  const err: string[] = [];
  const io = createIo({ write: () => true }, { write: (s: string) => err.push(...s.split('\n').filter(Boolean)) }, {});
  reportError(error, io, false);
  return err;
}

describe("the terminal's error lines", () => {
  it("a failed query's SQLSTATE and the server's hint go on the error's one line", () => {
    const error = new CutoverError('query', 'pre-checks: permission denied for table t', { sqlState: '42501', detail: 'd', hint: 'grant SELECT\nto the role' });
    expect(capture(error)).toEqual(['cutover: pre-checks: permission denied for table t [SQLSTATE 42501; HINT: grant SELECT to the role]']);
  });

  it("a connection error's SQLSTATE is left out (its message names the cause), and a hint the message holds is not repeated", () => {
    expect(capture(new CutoverError('auth', 'password authentication failed for u@h', { sqlState: '28P01' }))).toEqual(['cutover: password authentication failed for u@h']);
    expect(capture(new CutoverError('query', 'failed: try VACUUM', { hint: 'try VACUUM' }))).toEqual(['cutover: failed: try VACUUM']);
  });

  it("a step's error record in the step line: message, then SQLSTATE and hint", () => {
    expect(errorRecordLine({ message: 'command exited with 1: ERROR: boom', sqlState: '22012', detail: 'd', hint: 'h' })).toBe('command exited with 1: ERROR: boom [SQLSTATE 22012; HINT: h]');
    expect(errorRecordLine({ message: 'exited with 3' })).toBe('exited with 3');
  });
});
