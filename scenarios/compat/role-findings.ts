import type { FindingInput } from '../../checks/finding.js';
import type { PsqlMessage } from './psql-messages.js';

/** Check id of the findings about the source's roles the target refused. */
export const ROLES_CHECK_ID = 'compat.roles';

// The target's bootstrap superuser exists already: its CREATE ROLE is expected to fail.
const ALREADY_EXISTS = '42710';

/**
 * Findings from restoring `pg_dumpall --roles-only`: each statement the target refuses (other
 * than creating a role that exists) names the role from its line, e.g. a role attribute the
 * target no longer knows.
 */
export function roleFindings(messages: readonly PsqlMessage[], lines: readonly string[]): FindingInput[] {
  const findings: FindingInput[] = [];
  const seen = new Map<string, number>();
  for (const m of messages) {
    if (m.level === 'NOTICE') continue;
    const statement = (lines[m.line - 1] ?? '').trim();
    if (m.sqlState === ALREADY_EXISTS && /^CREATE ROLE /i.test(statement)) continue;
    const role = /\bROLE\s+("(?:[^"]|"")+"|[^\s;]+)/i.exec(statement)?.[1]?.replace(/^"|"$/g, '').replace(/""/g, '"') ?? `line ${m.line}`;
    const n = (seen.get(role) ?? 0) + 1;
    seen.set(role, n);
    const key = n === 1 ? `role:${role}` : `role:${role}#${n}`;
    const severity = m.level === 'WARNING' ? 'warn' : 'fail';
    findings.push({
      key,
      severity,
      message: `role ${role}: ${severity === 'fail' ? 'the target refuses' : 'the target warns about'} "${statement.slice(0, 200)}"${m.sqlState ? ` [${m.sqlState}]` : ''}: ${m.message}`,
      object: role,
      details: { statement, line: m.line, ...(m.sqlState ? { sqlState: m.sqlState } : {}), error: m.message, ...(m.detail ? { detail: m.detail } : {}), ...(m.hint ? { hint: m.hint } : {}) },
    });
  }
  return findings;
}
