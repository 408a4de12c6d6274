// repr() and str() as CPython 3.11 prints them.

import { floatRepr } from './float-format.ts';
import {
  PyByteArray,
  PyBytes,
  PyDict,
  PyDictView,
  PyFrozenSet,
  PyList,
  PyObject,
  PyRange,
  PySet,
  PyTuple,
  setReprHook,
  type PyValue,
} from './value.ts';

/** Characters str.isprintable() rejects: other, separators (but the space). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

export function isPrintableChar(ch: string): boolean {
  return ch === ' ' || !NON_PRINTABLE.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** repr(str): quotes chosen and characters escaped as CPython does. */
export function strRepr(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  let plainFrom = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    // fast path: printable ASCII other than the quote and backslash
    if (c >= 0x20 && c < 0x7f && c !== 0x5c && c !== quote.charCodeAt(0)) {
      i++;
      continue;
    }
    out += s.slice(plainFrom, i);
    const cp = s.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const ch = s.slice(i, i + width);
    if (c === 0x5c) out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (c === 9) out += '\\t';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f) out += ch;
    else if (!asciiOnly && isPrintableChar(ch)) out += ch;
    else if (cp <= 0xff) out += '\\x' + hex(cp, 2);
    else if (cp <= 0xffff) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
    i += width;
    plainFrom = i;
  }
  return out + s.slice(plainFrom) + quote;
}

export function bytesRepr(data: Uint8Array, prefix = 'b'): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of data) {
    if (b === 0x27) hasSingle = true;
    else if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = prefix + quote;
  for (const b of data) {
    if (b === 0x5c) out += '\\\\';
    else if (String.fromCharCode(b) === quote) out += '\\' + quote;
    else if (b === 9) out += '\\t';
    else if (b === 10) out += '\\n';
    else if (b === 13) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += '\\x' + hex(b, 2);
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

/** Containers being printed, to print a self-containing list as [[...]]. */
const inProgress = new Set<PyObject>();

function guarded(obj: PyObject, open: string, close: string, body: () => string): string {
  if (inProgress.has(obj)) return open + '...' + close;
  inProgress.add(obj);
  try {
    return body();
  } finally {
    inProgress.delete(obj);
  }
}

function joinRepr(items: Iterable<PyValue>): string {
  const parts: string[] = [];
  for (const v of items) parts.push(repr(v));
  return parts.join(', ');
}

/** repr() of the scalars other than str, which is also their str(). */
function scalarRepr(v: bigint | number | boolean | null): string {
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return floatRepr(v);
    case 'boolean':
      return v ? 'True' : 'False';
  }
  return 'None';
}

export function repr(v: PyValue): string {
  if (typeof v === 'string') return strRepr(v);
  if (typeof v !== 'object' || v === null) return scalarRepr(v);
  if (v instanceof PyList) return guarded(v, '[', ']', () => '[' + joinRepr(v.items) + ']');
  if (v instanceof PyTuple) {
    // tuple subclasses with their own repr (named tuples)
    if (v.pyRepr !== PyObject.prototype.pyRepr) return v.pyRepr();
    if (v.items.length === 1) return guarded(v, '(', ')', () => '(' + repr(v.items[0]!) + ',)');
    return guarded(v, '(', ')', () => '(' + joinRepr(v.items) + ')');
  }
  if (v instanceof PyDict) {
    return guarded(v, '{', '}', () => {
      const parts: string[] = [];
      for (const [k, x] of v.entries()) parts.push(repr(k) + ': ' + repr(x));
      return '{' + parts.join(', ') + '}';
    });
  }
  if (v instanceof PySet) {
    if (v.size === 0) return 'set()';
    return guarded(v, '{', '}', () => '{' + joinRepr(v.values()) + '}');
  }
  if (v instanceof PyFrozenSet) {
    if (v.size === 0) return 'frozenset()';
    return 'frozenset({' + joinRepr(v.values()) + '})';
  }
  if (v instanceof PyDictView) {
    return guarded(v, '(', ')', () => `${v.typeName}([${joinRepr(v.elements())}])`);
  }
  if (v instanceof PyByteArray) return 'bytearray(' + bytesRepr(v.data) + ')';
  if (v instanceof PyBytes) return bytesRepr(v.data);
  if (v instanceof PyRange) {
    return v.step === 1n ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  }
  return v.pyRepr();
}

/** str(v) */
export function str(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return scalarRepr(v);
  if (
    v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet ||
    v instanceof PyFrozenSet || v instanceof PyBytes || v instanceof PyRange || v instanceof PyDictView
  ) {
    return repr(v);
  }
  return v.pyStr();
}

/** ascii(v): repr with every non-ASCII character escaped. */
export function ascii(v: PyValue): string {
  const r = repr(v);
  let out = '';
  for (const ch of r) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp <= 0xff) out += '\\x' + hex(cp, 2);
    else if (cp <= 0xffff) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out;
}

setReprHook(repr);
