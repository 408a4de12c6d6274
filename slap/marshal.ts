// The encodings of the SLAP protocol (docs/slapos-node.md#the-slap-protocol):
//
// - xml_marshaller, as slapos.util.dumps/loads use it: `<marshal>` around
//   `<string>`, `<int>`/`<long>`, `<float>`, `<bool>1</bool>`, `<none/>`,
//   `<tuple>`, `<list id=…>`, `<dictionary id=…>` (items sorted by key),
//   `<set id=…>`, `<object id=… module=… class=…>` (init args tuple, then the
//   state dict) and `<reference id=…/>`. Strings are escaped twice on the
//   wire (xml_marshaller escapes, then lxml escapes the text again) and
//   unescaped twice when read, as the original does.
// - the proxy's instance parameter documents (slapos.util dict2xml/xml2dict):
//   `<instance><parameter id="k">v</parameter>…</instance>`, every value a
//   string (Python's str() of it).
import { PyDict, PyList, PyObject, PySet, PySetBase, PyTuple, repr, sortCompare, str, type PyValue } from '../python/index.ts';
import { childElements, parseXml, textOf, xmlAttr, xmlEscape, type XmlElement, XmlError } from './xml.ts';

/** An instance of a slapos.slap class (Computer, ComputerPartition, SoftwareRelease, SoftwareInstance). */
export class SlapObject extends PyObject {
  constructor(
    readonly module: string,
    readonly className: string,
    readonly args: PyTuple,
    readonly state: PyDict,
  ) {
    super();
  }
  get typeName() {
    return this.className;
  }
  attr(name: string): PyValue | undefined {
    return this.state.get(name);
  }
}

export const SLAP_MODULE = 'slapos.slap.slap';
const ALLOWED = new Set(['Computer', 'ComputerPartition', 'SoftwareRelease', 'SoftwareInstance']);

export function slapObject(className: string, state: Record<string, PyValue> | PyDict, args: PyValue[] = []): SlapObject {
  return new SlapObject(SLAP_MODULE, className, new PyTuple(args), state instanceof PyDict ? state : PyDict.fromObject(state));
}

const saxEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;');
const saxUnescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** xml_marshaller.dumps */
export function marshal(value: PyValue): string {
  let id = 1;
  const tag = (name: string, text: string, attrs = '') => (text ? `<${name}${attrs}>${text}</${name}>` : `<${name}${attrs}/>`);
  const m = (v: PyValue): string => {
    if (v === null) return '<none/>';
    if (typeof v === 'boolean') return tag('bool', v ? '1' : '0');
    if (typeof v === 'bigint') return tag(v > -(10n ** 24n) && v < 10n ** 24n ? 'int' : 'long', v.toString());
    if (typeof v === 'number') return tag('float', repr(v));
    // lxml writes an empty string element open and closed, unlike empty containers
    if (typeof v === 'string') return `<string>${xmlEscape(saxEscape(v))}</string>`;
    if (v instanceof PyTuple) return tag('tuple', v.items.map(m).join(''));
    // ids are numbered in document order: a container's before its items'
    if (v instanceof PyList) {
      const attrs = ` id="i${++id}"`;
      return tag('list', v.items.map(m).join(''), attrs);
    }
    if (v instanceof PyDict) {
      const attrs = ` id="i${++id}"`;
      const items = [...v.entries()].sort((a, b) => sortCompare(a[0], b[0]));
      return tag('dictionary', items.map(([k, x]) => m(k) + m(x)).join(''), attrs);
    }
    if (v instanceof PySetBase) {
      const attrs = ` id="i${++id}"`;
      return tag('set', [...v.values()].map(m).join(''), attrs);
    }
    if (v instanceof SlapObject) {
      const attrs = ` id="i${++id}" module="${xmlAttr(v.module)}" class="${xmlAttr(v.className)}"`;
      return `<object${attrs}>${m(v.args)}${m(v.state)}</object>`;
    }
    throw new XmlError(`Marshalling of object ${repr(v)} unimplemented or not supported in this DTD`);
  };
  return `<marshal>${m(value)}</marshal>`;
}

/** xml_marshaller.loads, with slapos.util's restriction to the slap classes. */
export function unmarshal(text: string): PyValue {
  const root = parseXml(text);
  if (root.name !== 'marshal') throw new XmlError(`not an xml_marshaller document (<${root.name}>)`);
  const refs = new Map<string, PyValue>();
  const u = (el: XmlElement): PyValue => {
    const kids = () => childElements(el).map(u);
    switch (el.name) {
      case 'none':
        return null;
      case 'bool':
        return textOf(el).trim() !== '0';
      case 'int':
      case 'long':
        return BigInt(textOf(el).trim());
      case 'float':
        return Number(textOf(el).trim());
      case 'string':
      case 'unicode':
        return saxUnescape(textOf(el));
      case 'tuple':
        return new PyTuple(kids());
      case 'list': {
        const l = new PyList();
        if (el.attrs.id) refs.set(el.attrs.id, l);
        l.items.push(...kids());
        return l;
      }
      case 'set': {
        const s = new PySet();
        if (el.attrs.id) refs.set(el.attrs.id, s);
        for (const k of kids()) s.add(k);
        return s;
      }
      case 'dictionary': {
        const d = new PyDict();
        if (el.attrs.id) refs.set(el.attrs.id, d);
        const items = kids();
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
        return d;
      }
      case 'object': {
        const cls = el.attrs.class ?? '';
        if (el.attrs.module !== SLAP_MODULE || !ALLOWED.has(cls)) throw new XmlError(`refusing to load ${el.attrs.module}.${cls}`);
        const [args, state] = childElements(el).map(u);
        const o = new SlapObject(SLAP_MODULE, cls, args instanceof PyTuple ? args : new PyTuple(), state instanceof PyDict ? state : new PyDict());
        if (el.attrs.id) refs.set(el.attrs.id, o);
        return o;
      }
      case 'reference': {
        const r = refs.get(el.attrs.id ?? '');
        if (r === undefined) throw new XmlError(`unknown reference ${el.attrs.id}`);
        return r;
      }
      default:
        throw new XmlError(`unknown xml_marshaller element <${el.name}>`);
    }
  };
  const [first] = childElements(root);
  if (!first) throw new XmlError('empty xml_marshaller document');
  return u(first);
}

/** slapos.util.dict2xml: every value as Python's str() of it, keys sorted. */
export function dict2xml(d: PyDict): string {
  const items = [...d.entries()].sort((a, b) => sortCompare(a[0], b[0]));
  const lines = items.map(([k, v]) => {
    const text = typeof v === 'string' ? v : str(v);
    return text ? `  <parameter id="${xmlAttr(String(k))}">${xmlEscape(text)}</parameter>` : `  <parameter id="${xmlAttr(String(k))}"/>`;
  });
  return `<?xml version='1.0' encoding='utf-8'?>\n` + (lines.length ? `<instance>\n${lines.join('\n')}\n</instance>\n` : '<instance/>\n');
}

/** slapos.util.xml2dict: repeated ids are joined with a space; an empty parameter is None. */
export function xml2dict(xml: string | null | undefined): PyDict {
  const d = new PyDict();
  if (!xml) return d;
  const root = parseXml(xml);
  for (const p of childElements(root)) {
    if (p.name !== 'parameter') continue;
    const key = p.attrs.id ?? '';
    const text = p.children.length ? textOf(p) : null;
    const before = d.get(key);
    d.set(key, typeof before === 'string' ? before + ' ' + (text ?? '') : text);
  }
  return d;
}

/** slapos.recipe.librecipe wrap/unwrap: JSON-in-XML under the `_` key. */
export const JSON_KEY = '_';

/** A Python value as plain JSON data (dicts → objects, tuples and sets → arrays). */
export function pyToJs(v: PyValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyDict) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), pyToJs(x)]));
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map(pyToJs);
  const values = (v as { values?: () => Iterable<PyValue> }).values;
  if (typeof values === 'function') return [...values.call(v)].map(pyToJs);
  return String(v);
}
