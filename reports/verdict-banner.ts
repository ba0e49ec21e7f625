import type { RunManifest } from '../run/manifest.js';
import type { DiffReport } from './diff-report.js';
import { escapeHtml as h } from './escape.js';
import { verdictReasons, type VerdictReasonOptions } from './verdict-reasons.js';

/** The first thing on the page: go or no-go, the figures that matter, and the reasons. */
export function verdictBannerHtml(verdict: string, run: RunManifest | undefined, diff: DiffReport | undefined, options: VerdictReasonOptions = {}): string {
  const reasons = verdictReasons(run, diff, options);
  const soak = run?.soak?.summary;
  const figures: [string, string, boolean][] = [];
  if (soak) {
    figures.push(['downtime', `${soak.downtimeMs.toLocaleString('en-US')} ms`, false]);
    figures.push(['lost', soak.lost.toLocaleString('en-US'), soak.lost > 0]);
    figures.push(['unexpected', soak.unexpected.toLocaleString('en-US'), soak.unexpected > 0]);
    figures.push(['duplicated', soak.duplicated.toLocaleString('en-US'), soak.duplicated > 0]);
  }
  if (run) figures.push(['steps failed', String(run.steps.filter((s) => s.status === 'failed').length), run.steps.some((s) => s.status === 'failed')]);
  if (diff) figures.push(['findings fail / warn', `${diff.summary.findings.fail} / ${diff.summary.findings.warn}`, diff.summary.failing > 0]);
  return `<section class="banner banner-${h(verdict)}" id="verdict">
<div class="banner-verdict" data-verdict="${h(verdict)}">${h(verdict.toUpperCase())}</div>
<div class="banner-body">
${figures.length ? `<div class="figures">${figures.map(([label, value, bad]) => `<div class="figure${bad ? ' bad' : ''}" data-figure="${h(label)}"><span class="value">${h(value)}</span><span class="label">${h(label)}</span></div>`).join('')}</div>` : ''}
<ul class="reasons">
${reasons.map((r) => `<li class="reason-${r.severity}">${h(r.text)}</li>`).join('\n')}
</ul>
</div>
</section>`;
}
