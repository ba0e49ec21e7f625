import { toolEnd, type ErrorRecord } from '../core/errors.js';
import { escapeHtml as h } from './escape.js';

/**
 * An error of run.json on the page: its short message, and folded under it everything the record
 * keeps (SQLSTATE, detail, hint, problems, the tool's command, exit and output tail, the full
 * message). Every field is escaped: messages quote identifiers and output from servers and tools.
 */
export function errorRecordHtml(error: ErrorRecord): string {
  const message = `<span class="error-message">${h(error.message)}</span>`;
  const fields: [string, string][] = [];
  if (error.sqlState) fields.push(['SQLSTATE', `<code>${h(error.sqlState)}</code>`]);
  if (error.detail) fields.push(['Detail', `<span class="pre-line">${h(error.detail)}</span>`]);
  if (error.hint) fields.push(['Hint', `<span class="pre-line">${h(error.hint)}</span>`]);
  if (error.problems?.length) fields.push(['Problems', `<ul>${error.problems.map((p) => `<li>${h(p)}</li>`).join('')}</ul>`]);
  const tool = error.tool;
  if (tool) {
    fields.push(['Command', `<pre>${h(tool.command)}</pre>`]);
    fields.push(['Ended', h(toolEnd(tool))]);
    // The full message below quotes the output already when it holds the whole tail.
    if (tool.stderrTail && !error.full?.includes(tool.stderrTail)) fields.push(['Output (last lines)', `<pre>${h(tool.stderrTail)}</pre>`]);
  }
  if (error.full) fields.push(['Full message', `<pre>${h(error.full)}</pre>`]);
  if (!fields.length) return message;
  const summary = [error.sqlState ? `SQLSTATE ${error.sqlState}` : '', tool ? toolEnd(tool) : '', 'details'].filter(Boolean).join(' · ');
  return `${message}
<details class="error-record"><summary>${h(summary)}</summary>
<dl>${fields.map(([label, html]) => `<dt>${h(label)}</dt><dd>${html}</dd>`).join('')}</dl>
</details>`;
}

/** The stylesheet of `errorRecordHtml`, part of the report's. */
export const ERROR_RECORD_CSS = `
.error-record { margin-top: .25rem; }
.error-record summary { cursor: pointer; color: #57606a; font-size: 12.5px; }
.error-record dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .6rem; margin: .35rem 0 0; }
.error-record dt { font-weight: 600; color: #57606a; }
.error-record dd { margin: 0; min-width: 0; }
.error-record pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 20rem; overflow: auto; font-size: 12px; background: #f6f8fa; padding: .25rem .4rem; }
.error-record ul { margin: 0; padding-left: 1rem; }
.pre-line { white-space: pre-line; }
`;
