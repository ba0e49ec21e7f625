import type { Finding, FindingInput } from '../finding.js';
import { isDamaged, type SqliteSnapshot, type SqliteSnapshotTable } from './sqlite-snapshot.js';

/** The check id of the SQLite suite's findings: `sqlite/<key>`, as gate allow-lists name them. */
export const SQLITE_CHECK_ID = 'sqlite';

/**
 * The findings of one SQLite snapshot: a damaged file and rows whose parent is missing fail;
 * values stored against their column's affinity warn (PostgreSQL's typed columns refuse or
 * change them), as does a check that could not look; notes for the migration are `info` (tables
 * without a key to match rows by, full-text and other virtual tables, which are not copied).
 */
export function sqliteFindings(snapshot: SqliteSnapshot): Finding[] {
  const inputs: FindingInput[] = [];
  const { integrity, foreignKeyViolations: fk } = snapshot;
  if (isDamaged(snapshot)) {
    const n = integrity.messages.length;
    inputs.push({
      key: 'integrity',
      severity: 'fail',
      message: `PRAGMA integrity_check reported ${n === 1 ? 'a problem' : `${n} problems`}: the file is damaged (first: ${integrity.messages[0]})`,
      details: { messages: integrity.messages },
    });
  }
  for (const [id, check] of Object.entries(snapshot.checks)) {
    if (check.status === 'error') inputs.push({ key: `not-checked/${id.replace(/^sqlite\//, '')}`, severity: 'warn', message: `${id} could not look: ${check.reason ?? 'unknown reason'}`, details: { reason: check.reason } });
  }
  for (const t of snapshot.tables) {
    const violations = fk.byTable.filter((v) => v.table === t.name);
    if (violations.length > 0) inputs.push(foreignKeyFinding(t, violations));
    const notChecked = fk.notChecked.find((n) => n.table === t.name);
    if (notChecked) inputs.push({ key: `foreign-keys/${t.name}`, severity: 'warn', object: t.name, message: `${t.name}: foreign keys not checked: ${notChecked.reason}`, details: { reason: notChecked.reason } });
    for (const c of t.columns) {
      const mixed = c.mixedTypes;
      if (!mixed) continue;
      const classes = Object.entries(mixed.counts).map(([storage, n]) => `${storage} ${n}`).join(', ');
      const example = mixed.example === undefined ? '' : 'rowid' in mixed.example ? `, e.g. rowid ${mixed.example.rowid}` : `, e.g. key ${JSON.stringify(mixed.example.key)}`;
      inputs.push({
        key: `affinity/${t.name}.${c.name}`,
        severity: 'warn',
        object: `${t.name}.${c.name}`,
        message: `${t.name}.${c.name} (${c.declared || 'no type'}, ${c.affinity} affinity): ${mixed.total} ${mixed.total === 1 ? 'value' : 'values'} stored as another type (${classes}${example}); a typed PostgreSQL column refuses or changes them`,
        details: { declared: c.declared, affinity: c.affinity, ...mixed },
      });
    }
    if (t.key.length === 0) inputs.push({ key: `no-key/${t.name}`, severity: 'info', object: t.name, message: `${t.name}: no primary key or unique index on NOT NULL columns: its rows cannot be matched by key when validating` });
  }
  for (const f of snapshot.fullText) {
    const on = f.contentTable ? ` of ${f.contentTable}` : '';
    inputs.push({ key: `full-text/${f.name}`, severity: 'info', object: f.name, message: `${f.name}: ${f.module} full-text index${on} (${f.columns.join(', ')}): rebuilt in PostgreSQL (tsvector), not copied`, details: { ...f } });
  }
  for (const v of snapshot.otherVirtual) {
    inputs.push({ key: `virtual/${v.name}`, severity: 'info', object: v.name, message: `${v.name}: virtual table (module ${v.module}): not checked, not copied`, details: { module: v.module } });
  }
  return inputs.map((f) => ({ ...f, id: `${SQLITE_CHECK_ID}/${f.key}`, checkId: SQLITE_CHECK_ID, source: 'evaluate' }));
}

function foreignKeyFinding(t: SqliteSnapshotTable, violations: SqliteSnapshot['foreignKeyViolations']['byTable']): FindingInput {
  const count = violations.reduce((sum, v) => sum + v.count, 0);
  const groups = violations.map((v) => {
    const key = t.foreignKeys.find((k) => k.id === v.foreignKey);
    return { parent: v.parent, from: key?.from ?? [], to: key?.to ?? [], count: v.count, rowids: v.rowids };
  });
  const named = groups.map((g) => {
    const rowids = g.rowids.length === 0 ? '' : `, ${g.rowids.length === 1 ? 'rowid' : 'rowids'} ${g.rowids.join(', ')}${g.count > g.rowids.length ? ', …' : ''}`;
    return `${g.from.join(', ')} → ${g.parent}${g.to.length ? `(${g.to.join(', ')})` : ''}: ${g.count}${rowids}`;
  });
  return {
    key: `foreign-keys/${t.name}`,
    severity: 'fail',
    object: t.name,
    message: `${t.name}: ${count} ${count === 1 ? 'row without its' : 'rows without their'} parent row (${named.join('; ')}); PostgreSQL refuses them when the foreign key is created`,
    details: { count, groups },
  };
}
