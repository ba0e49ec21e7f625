/**
 * A strict, small XML reader for tests: it throws on anything a conforming parser rejects that
 * a renderer could plausibly emit (unbalanced tags, raw `<` or `&`, unknown entities, characters
 * XML 1.0 forbids, unquoted or duplicate attributes), and returns the element tree.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error('character not allowed in XML 1.0');
  let i = 0;
  const rest = () => xml.slice(i);
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  if (rest().startsWith('<?xml')) {
    const end = xml.indexOf('?>', i);
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== xml.length) throw new Error(`content after the root element at ${i}`);
  return root;

  function element(): XmlElement {
    if (xml[i] !== '<') throw new Error(`expected < at ${i}`);
    i++;
    const name = NAME.exec(rest())?.[0];
    if (!name) throw new Error(`bad element name at ${i}`);
    i += name.length;
    const node: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (rest().startsWith('/>')) {
        i += 2;
        return node;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attr = NAME.exec(rest())?.[0];
      if (!attr) throw new Error(`bad attribute at ${i} in <${name}>`);
      i += attr.length;
      if (xml[i] !== '=') throw new Error(`expected = after ${attr}`);
      i++;
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${attr}`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) throw new Error(`unterminated attribute ${attr}`);
      if (attr in node.attributes) throw new Error(`duplicate attribute ${attr}`);
      const raw = xml.slice(i + 1, end);
      if (raw.includes('<')) throw new Error(`raw < in attribute ${attr}`);
      node.attributes[attr] = decode(raw.replace(/[\t\n\r]/g, ' '));
      i = end + 1;
    }
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) throw new Error(`unclosed <${name}>`);
      node.text += decode(xml.slice(i, lt));
      i = lt;
      if (rest().startsWith(`</`)) {
        const close = new RegExp(`^</${name.replace(/\./g, '\\.')}\\s*>`).exec(rest());
        if (!close) throw new Error(`mismatched closing tag for <${name}> at ${i}`);
        i += close[0].length;
        return node;
      }
      node.children.push(element());
    }
  }
}

function decode(text: string): string {
  return text.replace(/&([^;\s&]*);?/g, (all, ref: string) => {
    if (!all.endsWith(';')) throw new Error(`raw & in text: ${all}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const num = /^#(x[0-9a-fA-F]+|\d+)$/.exec(ref);
    if (!num) throw new Error(`unknown entity &${ref};`);
    const code = num[1]!.startsWith('x') ? parseInt(num[1]!.slice(1), 16) : Number(num[1]);
    const ch = String.fromCodePoint(code);
    if (FORBIDDEN.test(ch)) throw new Error(`reference to a forbidden character &${ref};`);
    return ch;
  });
}

/** Every descendant element with this name, depth first. */
export function findAll(node: XmlElement, name: string): XmlElement[] {
  return node.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
