/**
 * The text PostgreSQL shows for a JSON document stored as jsonb (`'…'::jsonb::text`), computed in
 * TypeScript from the document's JSON text: object keys unique (the last wins) and ordered by
 * length, then bytes; `, ` and `: ` between items; strings escaped as PostgreSQL's escape_json
 * does; numbers as `numeric` writes them after reading them (the scale kept, the exponent
 * applied: `1.10` stays `1.10`, `1.5e1` is `15`, `-0` is `0`). JSON.parse would lose a number's
 * text (`1.10` becomes 1.1), so the document is read here.
 */

type Json = null | boolean | { number: string } | string | Json[] | Map<string, Json>;

class JsonReader {
  private i = 0;
  constructor(private readonly text: string) {}

  document(): Json {
    const value = this.value();
    this.space();
    if (this.i !== this.text.length) this.fail('text after the document');
    return value;
  }

  private fail(what: string): never {
    throw new SyntaxError(`not JSON: ${what} at character ${this.i + 1}`);
  }

  private space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i] ?? '')) this.i++;
  }

  private value(): Json {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m) this.fail('a value expected');
    this.i += m[0].length;
    return { number: m[0] };
  }

  private object(): Map<string, Json> {
    const out = new Map<string, Json>();
    this.i++;
    this.space();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail('a key expected');
      const key = this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail('":" expected');
      this.i++;
      // The last of duplicate keys wins, as in jsonb.
      out.delete(key);
      out.set(key, this.value());
      this.space();
      const c = this.text[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail('"," or "}" expected');
    }
  }

  private array(): Json[] {
    const out: Json[] = [];
    this.i++;
    this.space();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.space();
      const c = this.text[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('"," or "]" expected');
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail('an unterminated string');
      if (c === '"') break;
      if (c === '\\') this.i++;
      else if (c < ' ') this.fail('a control character in a string');
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }
}

/** numeric_in then numeric_out of a JSON number's text. */
export function numericText(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new SyntaxError(`not a number: ${text}`);
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = m;
  const exponent = Number(exponentText);
  const scale = Math.max(0, fraction.length - exponent);
  // The digits as an integer times 10^-scale.
  let digits = `${whole}${fraction}`;
  const shift = exponent - fraction.length + scale;
  digits = shift >= 0 ? `${digits}${'0'.repeat(shift)}` : digits.slice(0, digits.length + shift);
  digits = digits.replace(/^0+(?=\d)/, '');
  if (digits.length <= scale) digits = `${'0'.repeat(scale - digits.length + 1)}${digits}`;
  const out = scale > 0 ? `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}` : digits;
  return sign && /[1-9]/.test(out) ? `-${out}` : out;
}

/** A string as PostgreSQL's escape_json writes it. */
export function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** jsonb's key order: shorter first (in UTF-8 bytes), then by bytes. */
function keyOrder(a: string, b: string): number {
  const [la, lb] = [Buffer.byteLength(a, 'utf8'), Buffer.byteLength(b, 'utf8')];
  if (la !== lb) return la - lb;
  // ASCII on both sides: code units order as bytes do, without encoding.
  if (la === a.length && lb === b.length) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function write(v: Json): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(write).join(', ')}]`;
  if (v instanceof Map) return `{${[...v.keys()].sort(keyOrder).map((k) => `${jsonString(k)}: ${write(v.get(k) ?? null)}`).join(', ')}}`;
  return numericText(v.number);
}

/** `jsonText::jsonb::text`; a SyntaxError for text that is not JSON (or that jsonb refuses: `\u0000`). */
export function jsonbText(jsonText: string): string {
  const doc = new JsonReader(jsonText).document();
  const out = write(doc);
  if (out.includes('\\u0000')) throw new SyntaxError('not JSON for jsonb: \\u0000 cannot be stored in jsonb');
  return out;
}
