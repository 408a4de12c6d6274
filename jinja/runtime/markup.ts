// markupsafe's Markup: a str that is "safe" HTML. Templates here render
// with autoescape off, so Markup matters only where Jinja2 makes it
// visible: the escape filter, `+` and `%` with a Markup operand (they escape
// the other side), and repr.

import { asStr, callMethod, iterate, lookupAttr, percentFormat, PyBoundMethod, PyDict, PyList, PyObject, PyTuple, str, strRepr, typeError, typeName, type BinaryOperator, type PyValue } from '../../python/index.ts';

/** Objects with __html__: Markup itself. */
export function hasHtml(v: PyValue): v is Markup {
  return v instanceof Markup;
}

function escapeText(s: string): string {
  return s.replace(/[&<>'"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === "'" ? '&#39;' : '&#34;',
  );
}

/** markupsafe.escape(v) */
export function escape(v: PyValue): Markup {
  if (v instanceof Markup) return v;
  return new Markup(escapeText(str(v)));
}

/** markupsafe.soft_str(v): str(v), but Markup stays Markup. */
export function softStr(v: PyValue): PyValue {
  return v instanceof Markup ? v : str(v);
}

function escapeArg(v: PyValue): PyValue {
  if (v instanceof Markup) return v;
  if (typeof v === 'string') return escapeText(v);
  return v;
}

export class Markup extends PyObject {
  constructor(readonly text: string) {
    super();
  }
  get typeName(): string {
    return 'Markup';
  }
  override get typeModule(): string {
    return 'markupsafe';
  }
  override get strValue(): string {
    return this.text;
  }
  override pyStr(): string {
    return this.text;
  }
  override pyRepr(): string {
    return `Markup(${strRepr(this.text)})`;
  }
  override pyBool(): boolean {
    return this.text.length > 0;
  }
  override pyLen(): number {
    return Array.from(this.text).length;
  }
  override pyIter(): Iterator<PyValue> {
    return this.text[Symbol.iterator]();
  }
  override pyEq(other: PyValue): boolean {
    return asStr(other) === this.text;
  }
  override pyHashKey(): string {
    return 's' + this.text;
  }
  override pyOrder(op: '<' | '<=' | '>' | '>=', other: PyValue): boolean | undefined {
    const o = asStr(other);
    if (o === undefined) return undefined;
    const t = this.text;
    return op === '<' ? t < o : op === '<=' ? t <= o : op === '>' ? t > o : t >= o;
  }
  override pyContains(v: PyValue): boolean {
    const s = asStr(v);
    if (s === undefined) throw typeError(`'in <string>' requires string as left operand, not ${typeName(v)}`);
    return this.text.includes(s);
  }
  pyBinary(op: BinaryOperator, other: PyValue, reflected: boolean): PyValue | undefined {
    if (op === '+') {
      const o = asStr(other);
      if (o === undefined) {
        if (reflected) return undefined;
        throw typeError(`unsupported operand type(s) for +: 'Markup' and '${typeName(other)}'`);
      }
      const escaped = other instanceof Markup ? o : escapeText(o);
      return new Markup(reflected ? escaped + this.text : this.text + escaped);
    }
    if (op === '%' && !reflected) {
      let args: PyValue;
      if (other instanceof PyTuple) args = new PyTuple(other.items.map(escapeArg));
      else if (other instanceof PyDict) args = new PyDict([...other.entries()].map(([k, v]) => [k, escapeArg(v)] as [PyValue, PyValue]));
      else args = escapeArg(other);
      return new Markup(percentFormat(this.text, args));
    }
    if (op === '*' && (typeof other === 'bigint' || typeof other === 'boolean')) {
      const n = Number(other);
      return new Markup(n > 0 ? this.text.repeat(n) : '');
    }
    return undefined;
  }
  override pyGetItem(key: PyValue): PyValue | undefined {
    return wrap(callMethod(this.text, '__getitem__', [key], new Map()));
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__html__') return new PyBoundMethod(this, name, () => this, 'Markup');
    if (name === 'striptags') return new PyBoundMethod(this, name, () => striptags(this.text), 'Markup');
    if (name === 'unescape') return new PyBoundMethod(this, name, () => unescape(this.text), 'Markup');
    if (name === 'join') {
      return new PyBoundMethod(this, name, (args) => {
        const parts: string[] = [];
        for (const item of iterate(args[0] ?? new PyList())) parts.push(String(asStr(escapeArg(item)) ?? str(escape(item))));
        return new Markup(parts.join(this.text));
      }, 'Markup');
    }
    // str methods, with str arguments escaped and str results made Markup
    if (lookupAttr(this.text, name) === undefined) return undefined;
    return new PyBoundMethod(this, name, (args, kwargs) => wrap(callMethod(this.text, name, args.map(escapeArg), kwargs)), 'Markup');
  }
}

function wrap(v: PyValue): PyValue {
  if (typeof v === 'string') return new Markup(v);
  if (v instanceof PyList) return new PyList(v.items.map(wrap));
  if (v instanceof PyTuple) return new PyTuple(v.items.map(wrap));
  return v;
}

// the entities html.unescape knows that templates are likely to meet
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9', reg: '\u00ae',
  laquo: '\u00ab', raquo: '\u00bb', hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', euro: '\u20ac',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', middot: '\u00b7', deg: '\u00b0',
  times: '\u00d7', para: '\u00b6', sect: '\u00a7', bull: '\u2022', trade: '\u2122',
};

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/** Markup.striptags(): drop comments and tags, collapse whitespace, unescape. */
export function striptags(s: string): string {
  let value = s;
  // remove comments first, then tags, as markupsafe 2.1 does
  value = value.replace(/<!--[\s\S]*?-->/g, '');
  value = value.replace(/<[^>]*>/g, '');
  value = value.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '').join(' ');
  return unescape(value);
}
