/**
 * Escaping for everything a report prints. Identifiers and values come from databases, where a
 * table may be named `<script>` or hold control characters: they are data, never markup.
 */

// Characters XML 1.0 forbids even as references (C0 controls except tab/LF/CR, lone
// surrogates, U+FFFE/U+FFFF); JUnit parsers reject the whole file on one of them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values (quoted with `"` or `'`). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(XML_INVALID, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Escapes text for XML element content; characters XML cannot hold become U+FFFD. */
export function escapeXml(value: unknown): string {
  return escapeHtml(value).replace(/\r/g, '&#13;');
}

/** Escapes text for an XML attribute value, keeping line breaks and tabs (parsers fold them otherwise). */
export function escapeXmlAttr(value: unknown): string {
  return escapeXml(value).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * Escapes text for one Markdown table cell: HTML is neutralised (GitHub renders inline HTML),
 * Markdown punctuation is backslash-escaped, and a line break cannot end the row.
 */
export function escapeMarkdown(value: unknown): string {
  // Punctuation first, so the entities added next are left whole.
  return String(value ?? '')
    .replace(XML_INVALID, '\uFFFD')
    // Links and images need `[`; headings, lists and quotes need a line start, which a cell never is.
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => ENTITIES[c] ?? c)
    .replace(/\r\n|\r|\n/g, '<br>');
}
