import { escapeHtml as h } from './escape.js';
import { REPORT_CSS } from './html-style.js';

/**
 * The frame of every HTML report: inline CSS and inline scripts only (Chart.js is inlined), and a
 * Content-Security-Policy that forbids fetching anything, so the page is self-contained. `title` is escaped; `body` is HTML
 * the caller has escaped already.
 */
export function htmlPage(title: string, verdict: string, body: string, extraCss = '', heading = 'cutover report'): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${REPORT_CSS}${extraCss}</style>
</head>
<body>
<h1>${h(heading)} <span class="verdict verdict-${h(verdict)}">${h(verdict.toUpperCase())}</span></h1>
${body}
</body>
</html>
`;
}
