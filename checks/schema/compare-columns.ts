import type { FindingInput } from '../finding.js';
import type { ColumnInfo, TableInfo } from './tables.js';

/**
 * Findings for one table present before and after: columns that disappeared or changed type
 * (fail), appeared (info), or changed nullability, default, identity or generation (warn), and
 * table-level changes (kind, persistence, partition parent, column order: warn).
 */
export function compareColumns(database: string, table: string, pre: TableInfo, post: TableInfo): FindingInput[] {
  if (pre.fp === post.fp) return [];
  const findings: FindingInput[] = [];
  const where = `${database}: table ${table}`;
  const object = `${database}.${table}`;
  const after = new Map(post.columns.map((c) => [c.name, c]));
  const before = new Map(pre.columns.map((c) => [c.name, c]));
  for (const column of pre.columns) {
    const now = after.get(column.name);
    const key = `${database}:${table}.${column.name}`;
    if (!now) {
      findings.push({ key: `column-disappeared:${key}`, severity: 'fail', message: `${where}: column ${column.name} disappeared`, object });
    } else if (now.type !== column.type) {
      findings.push({
        key: `column-type-changed:${key}`,
        severity: 'fail',
        message: `${where}: column ${column.name} changed type from ${column.type} to ${now.type}`,
        object,
        details: { pre: column.type, post: now.type },
      });
    } else {
      const changes = columnAttributeChanges(column, now);
      if (Object.keys(changes).length) {
        findings.push({
          key: `column-changed:${key}`,
          severity: 'warn',
          message: `${where}: column ${column.name} changed ${Object.keys(changes).join(', ')}`,
          object,
          details: changes,
        });
      }
    }
  }
  for (const column of post.columns) {
    if (!before.has(column.name)) {
      findings.push({
        key: `column-appeared:${database}:${table}.${column.name}`,
        severity: 'info',
        message: `${where}: column ${column.name} ${column.type} appeared`,
        object,
      });
    }
  }
  const tableChanges: Record<string, unknown> = {};
  for (const field of ['kind', 'persistence', 'partitionOf'] as const) {
    if (pre[field] !== post[field]) tableChanges[field] = { pre: pre[field] ?? null, post: post[field] ?? null };
  }
  const order = (t: TableInfo) => t.columns.map((c) => c.name).filter((n) => before.has(n) && after.has(n)).join(',');
  if (order(pre) !== order(post)) tableChanges.columnOrder = { pre: order(pre), post: order(post) };
  if (Object.keys(tableChanges).length) {
    findings.push({
      key: `table-changed:${database}:${table}`,
      severity: 'warn',
      message: `${where} changed ${Object.keys(tableChanges).join(', ')}`,
      object,
      details: tableChanges,
    });
  }
  return findings;
}

function columnAttributeChanges(pre: ColumnInfo, post: ColumnInfo): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const field of ['notNull', 'default', 'identity', 'generated'] as const) {
    if (pre[field] !== post[field]) changes[field] = { pre: pre[field] ?? null, post: post[field] ?? null };
  }
  return changes;
}
