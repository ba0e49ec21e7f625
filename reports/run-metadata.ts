import { describeEndpoint } from '../core/endpoint.js';
import { redactArgv } from '../core/redact-argv.js';
import type { RunManifest } from '../run/manifest.js';
import { escapeHtml as h } from './escape.js';

const seconds = (ms: number | null | undefined) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '—');

function row(label: string, valueHtml: string): string {
  return `<tr><th>${h(label)}</th><td>${valueHtml}</td></tr>`;
}

/**
 * What produced this run, for whoever reads the report later: the tool, the command line
 * (secrets redacted), the method, the versions at each endpoint, the soak's setup and figures.
 */
export function runMetadataHtml(run: RunManifest): string {
  const rows: string[] = [];
  rows.push(row('Run', `${h(run.name)} <span class="muted">(${h(run.method)})</span>`));
  rows.push(row('Started', `${h(run.startedAt)}${run.endedAt ? ` — ended ${h(run.endedAt)}` : ''} <span class="muted">(${seconds(run.durationMs)} in all)</span>`));
  rows.push(row('Tool', `cutover ${h(run.tool.version)}`));
  const argv = run.config.commandLine;
  if (Array.isArray(argv) && argv.every((a) => typeof a === 'string')) {
    rows.push(row('Command line', `<code>${h(redactArgv(argv).map(shellWord).join(' '))}</code>`));
  }
  for (const [role, e] of Object.entries(run.endpoints)) {
    const image = e.image ? ` in image <code>${h(e.image)}</code>${e.extensions?.length ? `<div class="muted">extensions the image offers: ${h(e.extensions.join(', '))}</div>` : ''}` : '';
    rows.push(row(`Endpoint: ${role}`, `${h(describeEndpoint(e))}${e.version ? ` — PostgreSQL ${h(e.version)}` : ''}${image}`));
  }
  const dataset = (run.config.scenario as { dataset?: { name?: unknown; scale?: unknown } } | undefined)?.dataset;
  if (dataset?.name) rows.push(row('Dataset', `${h(dataset.name)}${dataset.scale !== undefined ? ` at scale ${h(dataset.scale)}` : ''}`));
  const soak = run.soak;
  if (soak) {
    const lanes = `load every ${h(soak.lanes.driver.intervalMs)} ms${soak.lanes.probe ? `, probe every ${h(soak.lanes.probe.intervalMs)} ms` : ''}`;
    rows.push(row('Soak', `${h(soak.driver)} driver, workload ${h(soak.workload)} in schema <code>${h(soak.schema)}</code>, ${h(soak.rate)} attempts/s (${lanes}); attempt timeout ${h(soak.timeoutMs)} ms, degraded above ${h(soak.degradedThresholdMs)} ms`));
    if (soak.load) {
      const l = soak.load;
      rows.push(
        row(
          'Soak figures',
          `${seconds(soak.durationMs)}: ${l.attempts.toLocaleString('en-US')} attempts, ${l.ok.toLocaleString('en-US')} ok, ${l.failed.toLocaleString('en-US')} failed${l.abandoned ? `, ${l.abandoned} abandoned` : ''}; latency p50 ${h(l.latencyMs.p50)} ms, p99 ${h(l.latencyMs.p99)} ms; schedule lag p99 ${h(l.lagMs.p99)} ms; stopped by ${h(l.stoppedBy)}`,
        ),
      );
    }
    if (soak.verification) rows.push(row('Verification', `${h(soak.verification.queries)} queries in ${h(soak.verification.durationMs)} ms at ${h(soak.verification.verifiedAt)}`));
  }
  for (const [role, dir] of Object.entries(run.keptData ?? {})) rows.push(row(`Kept data: ${role}`, `<code>${h(dir)}</code>`));
  return `<h2 id="metadata">Run metadata</h2>
<table class="meta">
${rows.join('\n')}
</table>`;
}

/** An argument as a shell would need it typed. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
