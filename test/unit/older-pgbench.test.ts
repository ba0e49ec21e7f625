import { describe, expect, it } from 'vitest';
import { olderPgbench } from '../../cli/baseline-action.js';

describe('a pgbench older than the server it measures', () => {
  it('is named, with the way to pick another', () => {
    expect(olderPgbench('15.20', ['17.11'])).toBe("pgbench 15.20 against PostgreSQL 17: an older pgbench than the server; --pgbench-bin DIR picks the server's own (its bindir)");
    expect(olderPgbench('16.4', ['15.20', '17.11'])).toMatch(/^pgbench 16\.4 against PostgreSQL 17:/);
  });

  it('is not a warning when it is as new, or when a version is unknown (the Node driver, a server not reached)', () => {
    expect(olderPgbench('17.11', ['17.2'])).toBeUndefined();
    expect(olderPgbench('18.1', ['17.11'])).toBeUndefined();
    expect(olderPgbench(undefined, ['17.11'])).toBeUndefined();
    expect(olderPgbench('15.20', [undefined])).toBeUndefined();
  });
});
