import { escapeHtml as h } from './escape.js';
import { REPORT_CSS } from './html-style.js';

/**
 * The frame of every HTML report: inline CSS, no scripts, and a Content-Security-Policy that
 * forbids fetching anything, so the page is self-contained. `title` is escaped; `body` is HTML
 * the caller has escaped already.
 */
export function htmlPage(title: string, verdict: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>cutover report <span class="verdict verdict-${h(verdict)}">${h(verdict.toUpperCase())}</span></h1>
${body}
</body>
</html>
`;
}
