// A small XML reader and the escaping the SLAP protocol needs: enough for
// xml_marshaller documents, the proxy's `<instance>` parameter documents and
// supervisord's XML-RPC answers (elements, attributes, text, the five
// predefined entities and numeric character references; no DTD).
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

export class XmlError extends Error {}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  return xmlEscape(text).replace(/"/g, '&quot;');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    const v = ENTITIES[e];
    if (v === undefined) throw new XmlError(`unknown entity ${m}`);
    return v;
  });
}

/** Parse a document; returns its root element. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const n = text.length;
  const skipMisc = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i]!)) i++;
      if (text.startsWith('<?', i)) {
        const e = text.indexOf('?>', i);
        if (e < 0) throw new XmlError('unterminated processing instruction');
        i = e + 2;
      } else if (text.startsWith('<!--', i)) {
        const e = text.indexOf('-->', i);
        if (e < 0) throw new XmlError('unterminated comment');
        i = e + 3;
      } else if (text.startsWith('<!DOCTYPE', i)) {
        const e = text.indexOf('>', i);
        i = e + 1;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (text[i] !== '<') throw new XmlError(`expected an element at offset ${i}`);
    const m = /^<([A-Za-z_:][\w.:-]*)/.exec(text.slice(i, i + 200));
    if (!m) throw new XmlError(`bad element at offset ${i}`);
    i += m[0].length;
    const el: XmlElement = { name: m[1]!, attrs: {}, children: [] };
    for (;;) {
      while (i < n && /\s/.test(text[i]!)) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      const a = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(text.slice(i));
      if (!a) throw new XmlError(`bad attribute at offset ${i}`);
      el.attrs[a[1]!] = xmlUnescape(a[3] ?? a[4] ?? '');
      i += a[0].length;
    }
    let buf = '';
    for (;;) {
      if (i >= n) throw new XmlError(`unterminated element <${el.name}>`);
      if (text.startsWith('</', i)) {
        const e = text.indexOf('>', i);
        const name = text.slice(i + 2, e).trim();
        if (name !== el.name) throw new XmlError(`</${name}> closes <${el.name}>`);
        i = e + 1;
        if (buf) el.children.push(buf);
        return el;
      }
      if (text.startsWith('<!--', i)) {
        i = text.indexOf('-->', i) + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', i)) {
        const e = text.indexOf(']]>', i);
        buf += text.slice(i + 9, e);
        i = e + 3;
        continue;
      }
      if (text[i] === '<') {
        if (buf) el.children.push(buf);
        buf = '';
        el.children.push(element());
        continue;
      }
      const e = text.indexOf('<', i);
      buf += xmlUnescape(text.slice(i, e < 0 ? n : e));
      i = e < 0 ? n : e;
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i < n) throw new XmlError('content after the root element');
  return root;
}

/** The concatenated text of an element. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}
