/** Whether a statement may be EXPLAINed (with ANALYZE, which runs it). */
export type SelectVerdict = { ok: true; sql: string } | { ok: false; reason: string };

interface Token {
  kind: 'word' | 'ident' | 'string' | 'symbol';
  text: string;
  /** Index just past the token in the statement. */
  end: number;
}

/**
 * Accepts a single SELECT (or WITH … SELECT) and nothing else, reading conservatively: it tokenises
 * past comments, strings, quoted identifiers and dollar quotes, then refuses other statements,
 * several statements, data-modifying CTEs, SELECT INTO and row locks. A statement it cannot read
 * is refused. Returns the SQL without its trailing semicolon. Functions with side effects are not
 * detected here: the read-only session refuses them (SQLSTATE 25006).
 */
export function checkSelectOnly(sql: string): SelectVerdict {
  const tokens = tokenize(sql);
  if (typeof tokens === 'string') return { ok: false, reason: tokens };
  let end = tokens.length;
  while (end > 0 && tokens[end - 1]?.text === ';') end--;
  const body = tokens.slice(0, end);
  if (body.some((t) => t.text === ';')) return { ok: false, reason: 'more than one statement' };
  const first = body.find((t) => t.text !== '(');
  if (!first) return { ok: false, reason: 'empty statement' };
  if (first.kind !== 'word' || (first.text !== 'SELECT' && first.text !== 'WITH')) {
    return { ok: false, reason: `not a SELECT: starts with ${first.text}` };
  }
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t?.kind !== 'word') continue;
    if (t.text === 'FOR' && ['UPDATE', 'SHARE', 'NO', 'KEY'].includes(body[i + 1]?.text ?? '')) {
      return { ok: false, reason: 'locks rows (FOR UPDATE/SHARE)' };
    }
    if (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(t.text)) {
      return { ok: false, reason: `contains ${t.text}: only read-only SELECTs are explained` };
    }
    if (t.text === 'INTO') return { ok: false, reason: 'SELECT INTO creates a table' };
  }
  // Up to the last token: drops trailing semicolons and comments, which EXPLAIN would reject.
  return { ok: true, sql: sql.slice(0, body[body.length - 1]?.end ?? 0).trim() };
}

/** Tokens of a statement, or why it could not be read. */
function tokenize(sql: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (c === '/' && next === '*') {
      // Block comments nest in PostgreSQL.
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else if (i >= sql.length) {
          return 'unterminated comment';
        } else {
          i++;
        }
      } while (depth > 0);
    } else if (c === "'") {
      // An E'' string allows backslash escapes; its E was read as a word just before.
      const prev = tokens[tokens.length - 1];
      const escapes = prev?.kind === 'word' && prev.text === 'E' && sql[i - 1]?.toUpperCase() === 'E';
      if (escapes) tokens.pop();
      const end = scanQuoted(sql, i, "'", escapes);
      if (end < 0) return 'unterminated string';
      tokens.push({ kind: 'string', text: sql.slice(i, end), end });
      i = end;
    } else if (c === '"') {
      const end = scanQuoted(sql, i, '"', false);
      if (end < 0) return 'unterminated quoted identifier';
      tokens.push({ kind: 'ident', text: sql.slice(i, end), end });
      i = end;
    } else if (c === '$' && /[A-Za-z_$]/.test(next)) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (!tag) {
        tokens.push({ kind: 'symbol', text: c, end: i + 1 });
        i++;
        continue;
      }
      const start = i;
      const close = sql.indexOf(tag[0], i + tag[0].length);
      if (close < 0) return 'unterminated dollar-quoted string';
      i = close + tag[0].length;
      tokens.push({ kind: 'string', text: sql.slice(start, i), end: i });
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const word = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i))?.[0] ?? c;
      i += word.length;
      tokens.push({ kind: 'word', text: word.toUpperCase(), end: i });
    } else {
      i++;
      tokens.push({ kind: 'symbol', text: c, end: i });
    }
  }
  return tokens;
}

/** The index just past the closing quote, or -1. A doubled quote is an escaped one. */
function scanQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}
