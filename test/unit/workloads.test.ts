import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../core/errors.js';
import { WORKLOADS, workloadByName, operationSql } from '../../load/workloads/index.js';
import { operationMix, pickOperation } from '../../load/driver/operation-mix.js';
import { failedQueryOutcome } from '../../load/driver/attempt-outcome.js';
import { RecentIds } from '../../load/driver/recent-ids.js';
import { seededRandom } from '../../load/driver/seeded-random.js';

describe('built-in workloads', () => {
  it('are found by name; an unknown name is a usage error naming the option and the choices', () => {
    expect(workloadByName('notifications').name).toBe('notifications');
    expect(WORKLOADS.map((w) => w.name)).toEqual(['notifications', 'writes-only', 'vector']);
    const error = (() => {
      try {
        workloadByName('nope');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('usage');
    expect((error as CutoverError).message).toBe('--workload: expected one of notifications, writes-only, vector; got "nope"');
    expect(() => workloadByName('x', 'soak.workload')).toThrow(/^soak\.workload:/);
  });

  it('touch only their own schema, quoted whatever its name', () => {
    for (const w of WORKLOADS) {
      const statements = [...w.ddl('My "Soak"'), ...w.operations.map((op) => operationSql(op.sql, 'My "Soak"'))];
      for (const sql of statements) {
        // Every table reference is qualified with the quoted schema (`e` is the vector insert's CTE).
        const refs = [...sql.matchAll(/\b(?:TABLE(?: IF NOT EXISTS)?|INTO|UPDATE|FROM|ON)\s+((?:"(?:[^"]|"")*"|\w+)(?:\.(?:"(?:[^"]|"")*"|\w+))?)/gi)];
        if (sql.startsWith('CREATE SCHEMA')) expect(sql).toBe('CREATE SCHEMA IF NOT EXISTS "My ""Soak"""');
        else expect(refs.length, sql).toBeGreaterThan(0);
        for (const [, ref] of refs) expect(ref === 'e' || /^"My ""Soak"""\.("\w+"|\w+)$/.test(ref ?? ''), `${w.name}: ${ref} in ${sql}`).toBe(true);
      }
      expect(w.operations.filter((op) => op.kind === 'ledgered')).toHaveLength(1);
      expect(w.operations.find((op) => op.kind === 'ledgered')?.sql).toMatch(/INSERT INTO \{schema\}\.events \(id, writer_key, payload, created_at\) VALUES \(\$1,/);
    }
  });

  it('mix operations by weight, deterministically for a seed', () => {
    const mix = operationMix(workloadByName('notifications'), 'cutover');
    const random = seededRandom(42);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) {
      const op = pickOperation(mix, random()).definition.name;
      counts[op] = (counts[op] ?? 0) + 1;
    }
    expect((counts['insert-event'] ?? 0) / 1000).toBeCloseTo(50, 0);
    expect((counts['mark-delivered'] ?? 0) / 1000).toBeCloseTo(30, 0);
    expect((counts['read-recent'] ?? 0) / 1000).toBeCloseTo(20, 0);
    const again = seededRandom(42);
    const first = seededRandom(42);
    expect(Array.from({ length: 5 }, () => again())).toEqual(Array.from({ length: 5 }, () => first()));
    expect(new Set(mix.map((m) => m.statement.name)).size).toBe(mix.length);
    expect(() => operationMix({ ...workloadByName('writes-only'), operations: [] }, 'cutover')).toThrow(/positive weight/);
  });

  it('hand follow-up operations the most recent acknowledged ids, oldest first, in bounded memory', () => {
    const recent = new RecentIds(3);
    expect(recent.list()).toEqual([]);
    for (const id of ['1', '2', '3', '4', '5']) recent.push(id);
    expect(recent.list()).toEqual(['3', '4', '5']);
  });
});

describe('failedQueryOutcome', () => {
  const dbError = (code: string, severity: string) => Object.assign(new pg.DatabaseError('x', 1, 'error'), { code, severity });

  it('is error (certainly not committed) after a statement error, the connection still usable', () => {
    expect(failedQueryOutcome(dbError('25006', 'ERROR'))).toEqual({ outcome: 'error', connectionUsable: true });
    expect(failedQueryOutcome(dbError('23505', 'ERROR'))).toEqual({ outcome: 'error', connectionUsable: true });
  });

  it('is unknown when the session ended under the statement: fatal errors, shutdowns, dead sockets', () => {
    expect(failedQueryOutcome(dbError('57P01', 'FATAL'))).toEqual({ outcome: 'unknown', connectionUsable: false });
    // A server in another language: the SQLSTATE still says the session ended.
    expect(failedQueryOutcome(dbError('57P01', 'ВАЖНО'))).toEqual({ outcome: 'unknown', connectionUsable: false });
    expect(failedQueryOutcome(new Error('Connection terminated unexpectedly'))).toEqual({ outcome: 'unknown', connectionUsable: false });
  });

  it('is error when node-postgres refused to send on a connection it knew was dead', () => {
    expect(failedQueryOutcome(new Error('Client has encountered a connection error and is not queryable')).outcome).toBe('error');
  });
});
