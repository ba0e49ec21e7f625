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
.sev-info, .status-skipped, .status-absent { background: #57606a; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; font-size: 12px; font-weight: 600; }
.gate-failing { color: #cf222e; font-weight: 700; }
.gate-allowed { color: #9a6700; }
.muted { color: #57606a; }
.details { margin: .2rem 0 0; color: #57606a; }
.num { text-align: right; white-space: nowrap; }
.step-failed td { background: #fff5f5; }
`;
