import { ERROR_RECORD_CSS } from './html-error.js';

/** The report's only stylesheet, inlined: the page loads nothing from anywhere. */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #eaeef2; }
th { background: #f6f8fa; font-weight: 600; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
.nowrap .details { white-space: normal; min-width: 12rem; }
.verdict { display: inline-block; padding: .2rem .7rem; border-radius: 1rem; font-weight: 700; color: #fff; }
.verdict-pass, .status-ok { background: #1a7f37; }
.verdict-warn, .sev-warn { background: #9a6700; }
.verdict-fail, .verdict-error, .sev-fail, .status-error { background: #cf222e; }
.verdict-running { background: #57606a; }
.verdict-interrupted { background: #9a6700; }
.sev-info, .status-skipped, .status-absent { background: #57606a; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; font-size: 12px; font-weight: 600; }
.gate-failing { color: #cf222e; font-weight: 700; }
.gate-allowed { color: #9a6700; }
.muted { color: #57606a; }
.details { margin: .2rem 0 0; color: #57606a; }
.num { text-align: right; white-space: nowrap; }
.step-failed td { background: #fff5f5; }
.bad { color: #cf222e; font-weight: 700; }
.warnish { color: #9a6700; font-weight: 600; }
tfoot th, tfoot td { border-top: 2px solid #d0d7de; background: #f6f8fa; font-weight: 600; }
.banner { display: flex; gap: 1.25rem; align-items: flex-start; border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0 1.5rem; border: 2px solid; }
.banner-pass { border-color: #1a7f37; background: #f0fff4; }
.banner-warn { border-color: #9a6700; background: #fff8e5; }
.banner-fail, .banner-error { border-color: #cf222e; background: #fff5f5; }
.banner-running { border-color: #57606a; background: #f6f8fa; }
.banner-interrupted { border-color: #9a6700; background: #fff8e5; }
.banner-interrupted .banner-verdict { color: #9a6700; }
.banner-verdict { font-size: 2rem; font-weight: 800; letter-spacing: .04em; min-width: 7rem; }
.banner-pass .banner-verdict { color: #1a7f37; }
.banner-warn .banner-verdict { color: #9a6700; }
.banner-fail .banner-verdict, .banner-error .banner-verdict { color: #cf222e; }
.banner-body { flex: 1; }
.figures { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin-bottom: .5rem; }
.figure { display: flex; flex-direction: column; }
.figure .value { font-size: 1.3rem; font-weight: 700; }
.figure .label { color: #57606a; font-size: 12px; }
.reasons { margin: .25rem 0 0; padding-left: 1.2rem; }
.reason-fail { color: #cf222e; font-weight: 600; }
.reason-warn { color: #9a6700; }
nav.toc { font-size: 13px; margin: .5rem 0; }
nav.toc a { margin-right: .9rem; color: #0969da; text-decoration: none; }
table.meta th { width: 12rem; }
table.steps td:last-child { width: 32%; }
${ERROR_RECORD_CSS}@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10px; }
  th, td { padding: .2rem .35rem; }
  nav.toc, .filters { display: none; }
  h2 { break-after: avoid; }
  tr, .banner, canvas, img { break-inside: avoid; }
}
`;
