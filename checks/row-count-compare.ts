import type { FindingInput } from './finding.js';
import type { RowCountsData } from './row-counts.js';

/**
 * Exact counts before and after: a drop fails when it is at least `dropFail` of the rows before
 * (the default 0 fails on any drop) and warns below that; growth is information. Tables without
 * an exact count on both sides are not compared (estimates move with VACUUM alone), and a table
 * that is gone after is the schema check's finding.
 */
export function compareRowCounts(pre: RowCountsData, post: RowCountsData, dropFail: number): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const [database, before] of Object.entries(pre.databases)) {
    const after = post.databases[database];
    if (!after) continue;
    for (const [table, rows] of Object.entries(before.tables)) {
      const now = after.tables[table];
      if (rows.exact === undefined || now?.exact === undefined || now.exact === rows.exact) continue;
      const object = `${database}.${table}`;
      const details = { pre: rows.exact, post: now.exact, change: now.exact - rows.exact };
      if (now.exact > rows.exact) {
        findings.push({
          key: `rows-grew:${database}:${table}`,
          severity: 'info',
          message: `${database}: ${table} grew from ${rows.exact} to ${now.exact} rows`,
          object,
          details,
        });
        continue;
      }
      const fraction = (rows.exact - now.exact) / rows.exact;
      findings.push({
        key: `rows-dropped:${database}:${table}`,
        severity: fraction >= dropFail ? 'fail' : 'warn',
        message: `${database}: ${table} lost ${rows.exact - now.exact} of ${rows.exact} rows (${(fraction * 100).toFixed(fraction < 0.001 ? 4 : 1)}%)`,
        object,
        details: { ...details, fraction, failAt: dropFail },
      });
    }
  }
  return findings;
}
