import { type BaselineRecord, repeatName } from '../run/baseline-record.js';
import type { RunManifest } from '../run/manifest.js';
import { escapeMarkdown } from './escape.js';

function table(b: BaselineRecord, label: string): string {
  const rows = b.repeats.map(
    (r) =>
      `| ${label}${repeatName(b.repeats, r)} | ${r.tps.toFixed(1)} | ${r.latencyMs.p50.toFixed(2)} | ${r.latencyMs.p99.toFixed(2)} | ${r.lagMs ? r.lagMs.p99.toFixed(2) : '—'} | ${r.errors} | ${r.abortedClients} | ${r.valid ? 'valid' : `**invalid**: ${escapeMarkdown(r.invalidReason ?? '')}`} |`,
  );
  const how = `${b.engine}${b.engineVersion ? ` ${b.engineVersion}` : ''}, ${b.workload}, ${b.rate === null ? 'max rate' : `${b.rate}/s`}, ${b.clients} clients, ${b.repeat} × ${b.durationMs / 1000} s`;
  return `${escapeMarkdown(how)}\n\n| Repeat | TPS | p50 ms | p99 ms | lag p99 ms | Errors | Aborted | Status |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
}

/** summary.md's baseline section (a run of `cutover baseline`, or a rehearsal's blue and green), empty without one. */
export function baselineMarkdown(run: RunManifest): string {
  const parts: string[] = [];
  if (run.baseline) parts.push(table(run.baseline, ''));
  if (run.baselines?.blue) parts.push(`Blue, before the steps: ${table(run.baselines.blue, 'blue ')}`);
  if (run.baselines?.green) parts.push(`Green, after the steps: ${table(run.baselines.green, 'green ')}`);
  return parts.length ? `\n## Baseline\n\n${parts.join('\n')}` : '';
}
