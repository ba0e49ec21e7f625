import { CutoverError } from '../../core/errors.js';
import type { OperationDefinition, PgbenchParam, WorkloadDefinition } from '../workload-types.js';
import { operationSql } from '../workloads/prepare.js';

/** One pgbench script of a compiled workload: its text and its weight (`-f file@weight`). */
export interface CompiledScript {
  /** The operation's name: the timeline's operation and the script file's name. */
  name: string;
  weight: number;
  text: string;
}

/** A workload as pgbench runs it: one script per operation, and the variables they start from (`-D`). */
export interface CompiledWorkload {
  scripts: CompiledScript[];
  variables: Record<string, string>;
}

/** How many of a client's recent inserts `:recent` picks among (the Node driver keeps 256). */
const RECENT = 256;

/**
 * Variables every script may use, as pgbench expressions. Each client counts its own ledgered
 * inserts in `:seq` (pgbench keeps a client's variables from one transaction to the next), and
 * its ids are `(:wk + :client_id) * 2^32 + :seq`, the ledger's id layout with one writer key per
 * client; `:recent` is one of its last inserts (-1 before the first, as the driver's), `:oldest_recent`
 * the oldest of them (0 before the first).
 */
const DERIVED: Record<string, string> = {
  recent: `case when :seq > 0 then ((:wk + :client_id) << 32) + random(greatest(1, :seq - ${RECENT - 1}), greatest(1, :seq)) else -1 end`,
  oldest_recent: `case when :seq > 0 then ((:wk + :client_id) << 32) + greatest(1, :seq - ${RECENT - 1}) else 0 end`,
};

/**
 * Compiles a workload to pgbench scripts: each operation one script (weighted as in the workload),
 * its `$n` parameters set with `\set` from the operation's `pgbench` expressions, `{schema}` the
 * quoted schema. `writerKey` is the first client's key. An operation with parameters but no
 * `pgbench` form is a usage error naming it.
 */
export function compileWorkload(workload: WorkloadDefinition, schema: string, writerKey: number): CompiledWorkload {
  const integral = workload.operations.every((op) => Number.isInteger(op.weight));
  const scripts = workload.operations.map((op) => ({
    name: op.name,
    // pgbench's weights are whole numbers.
    weight: Math.max(1, integral ? op.weight : Math.round(op.weight * 1000)),
    text: compileOperation(workload, op, schema),
  }));
  return { scripts, variables: { wk: String(writerKey), seq: '0' } };
}

function compileOperation(workload: WorkloadDefinition, op: OperationDefinition, schema: string): string {
  const sql = operationSql(op.sql, schema).trim().replace(/;\s*$/, '');
  const given = op.pgbench ?? [];
  const ledgered = op.kind === 'ledgered';
  const used = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const needed = Math.max(0, ...used) - (ledgered ? 1 : 0);
  if (given.length < needed) {
    throw new CutoverError(
      'usage',
      `workload ${workload.name}: operation ${op.name} has ${needed} parameter(s) but ${given.length ? `only ${given.length}` : 'no'} pgbench form(s) ("pgbench": one pgbench expression or { sql } per value its params() returns), so it cannot run under pgbench; use --engine node`,
    );
  }
  const lines = [`-- cutover workload ${workload.name}, operation ${op.name} (${op.kind}), weight ${op.weight}`];
  if (ledgered) {
    lines.push('\\set seq :seq + 1', '\\set id ((:wk + :client_id) << 32) + :seq');
  }
  const params: string[] = [];
  given.forEach((p: PgbenchParam, i) => {
    const n = i + (ledgered ? 2 : 1);
    if (typeof p === 'string') {
      lines.push(`\\set p${n} ${p}`);
      params[n] = `:p${n}`;
    } else {
      params[n] = `(${p.sql})`;
    }
  });
  if (ledgered) params[1] = ':id';
  let body = sql.replace(/\$(\d+)/g, (whole, d: string) => params[Number(d)] ?? whole);
  // `:recent` and `:oldest_recent` are set only where used (each costs a random draw).
  const text = [...lines.slice(1), body].join('\n');
  const derived = Object.entries(DERIVED)
    .filter(([name]) => new RegExp(`:${name}\\b`).test(text))
    .map(([name, expr]) => `\\set ${name} ${expr}`);
  body = `${body.replace(/\s*\n\s*/g, ' ')};`;
  return [lines[0], ...(ledgered ? lines.slice(1, 3) : []), ...derived, ...lines.slice(ledgered ? 3 : 1), body, ''].join('\n');
}
