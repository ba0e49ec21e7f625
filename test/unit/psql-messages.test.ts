import { describe, expect, it } from 'vitest';
import { lastPsqlError, parsePsqlMessages, readPsqlMessages } from '../../core/psql-messages.js';

describe("psql's messages", () => {
  it('reads a -c statement\'s error (no file, no line) with its SQLSTATE, detail and hint, among other output', () => {
    const output = [
      'from-home',
      'NOTICE:  00000: starting',
      'LOCATION:  exec_stmt_raise, pl_exec.c:3911',
      'ERROR:  22012: boom',
      'DETAIL:  the divisor was zero',
      'HINT:  check the input',
      'CONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE',
      'LOCATION:  exec_stmt_raise, pl_exec.c:3911',
    ].join('\n');
    expect(lastPsqlError(output)).toEqual({
      level: 'ERROR',
      sqlState: '22012',
      message: 'boom',
      detail: 'the divisor was zero',
      hint: 'check the input',
      context: 'PL/pgSQL function inline_code_block line 1 at RAISE',
    });
    expect(readPsqlMessages(output).map((m) => m.level)).toEqual(['NOTICE', 'ERROR']);
  });

  it('reads an error without a SQLSTATE (VERBOSITY default) and a script\'s error with its file and line', () => {
    expect(lastPsqlError('ERROR:  relation "t" does not exist\nLINE 1: select * from t\n                      ^')).toMatchObject({ message: 'relation "t" does not exist', position: 'LINE 1: select * from t\n                      ^' });
    const script = 'psql:/tmp/x.sql:4: ERROR:  42P01: relation "t" does not exist\nLOCATION:  parserOpenTable, parse_relation.c:1452';
    expect(readPsqlMessages(script)).toEqual([{ file: '/tmp/x.sql', line: 4, level: 'ERROR', sqlState: '42P01', message: 'relation "t" does not exist' }]);
  });

  it('is silent about output that holds no psql error', () => {
    expect(lastPsqlError('pg_dump: error: connection refused\nsome ERROR: text')).toBeUndefined();
    expect(lastPsqlError('WARNING:  01000: careful')).toBeUndefined();
  });

  it('keeps compat\'s view: only messages of the given script, with their lines', () => {
    const stderr = 'ERROR:  42601: not from the script\npsql:dump.sql:7: ERROR:  42704: type "x" does not exist\npsql:other.sql:2: WARNING:  01000: elsewhere';
    expect(parsePsqlMessages(stderr, 'dump.sql')).toEqual([{ line: 7, level: 'ERROR', sqlState: '42704', message: 'type "x" does not exist' }]);
    expect(parsePsqlMessages(stderr).map((m) => m.line)).toEqual([7, 2]);
  });
});
