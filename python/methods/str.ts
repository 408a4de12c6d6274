// The methods of str, with CPython 3.11 semantics (indexes in code points,
// Python's whitespace, its case rules) and error messages.

import { bind, intArg, noArgs, strArg, type Signature } from '../args.ts';
import { cpIndex, cpSlice, codePoints, strLen, unitOffset } from '../codepoints.ts';
import { PyException, typeError, valueError } from '../exceptions.ts';
import { iterate } from '../iter.ts';
import { isPrintableChar } from '../repr.ts';
import { strFormat, strFormatMap } from '../str-format.ts';
import { encodeStr } from '../codecs.ts';
import { getItem } from '../subscript.ts';
import { isPySpaceCode, pySplitLines } from '../text.ts';
import { PyDict, PyList, PyTuple, asStr, typeName, type PyValue } from '../value.ts';
import { methodTable, type Method } from './table.ts';
import { truthy } from '../compare.ts';

// ---- helpers ------------------------------------------------------------------

function optIndex(v: PyValue | undefined): bigint | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw typeError('slice indices must be integers or None or have an __index__ method');
}

/** ADJUST_INDICES of CPython: [start, end] in code points; start may exceed len. */
function adjust(len: number, startArg: PyValue | undefined, endArg: PyValue | undefined): [number, number] {
  const s = optIndex(startArg);
  const e = optIndex(endArg);
  let start = s === null ? 0 : Number(s);
  let end = e === null ? len : Number(e);
  if (end > len) end = len;
  else if (end < 0) {
    end += len;
    if (end < 0) end = 0;
  }
  if (start < 0) {
    start += len;
    if (start < 0) start = 0;
  }
  return [start, end];
}

function sig(name: string, params: string[], required = params.length, clinic = false): Signature {
  return { name, params, required, positionalOnly: true, clinic };
}

function subArg(v: PyValue): string {
  return strArg(v, (t) => `must be str, not ${t}`);
}

/** find/rfind/index/rindex core: code-point index or -1. */
function findIn(self: string, name: string, args: PyValue[], kwargs: Map<string, PyValue>, reverse: boolean): number {
  const [subV, startV, endV] = bind(sig(name, ['sub', 'start', 'end'], 1), args, kwargs);
  const sub = subArg(subV!);
  const len = strLen(self);
  const [start, end] = adjust(len, startV, endV);
  if (end - start < strLen(sub)) return -1;
  const u0 = unitOffset(self, start);
  const u1 = unitOffset(self, end);
  const part = self.slice(u0, u1);
  const i = reverse ? part.lastIndexOf(sub) : part.indexOf(sub);
  return i < 0 ? -1 : cpIndex(self, u0 + i);
}

function stripChars(self: string, name: string, args: PyValue[], kwargs: Map<string, PyValue>, left: boolean, right: boolean): string {
  const [charsV] = bind(sig(name, ['chars'], 0, true), args, kwargs);
  let test: (ch: string) => boolean;
  if (charsV === undefined || charsV === null) test = (ch) => ch.length === 1 && isPySpaceCode(ch.charCodeAt(0));
  else {
    const chars = asStr(charsV);
    if (chars === undefined) throw typeError(`${name} arg must be None or str`);
    const set = new Set(codePoints(chars));
    test = (ch) => set.has(ch);
  }
  const cps = codePoints(self);
  let i = 0;
  let j = cps.length;
  if (left) while (i < j && test(cps[i]!)) i++;
  if (right) while (j > i && test(cps[j - 1]!)) j--;
  return i === 0 && j === cps.length ? self : cps.slice(i, j).join('');
}

function maxsplitArg(v: PyValue | undefined): number {
  if (v === undefined) return -1;
  return Number(intArg(v));
}

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && isPySpaceCode(s.charCodeAt(i))) i++;
    if (i >= n) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(i));
      return out;
    }
    const start = i;
    while (i < n && !isPySpaceCode(s.charCodeAt(i))) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

function rsplitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let j = s.length;
  while (j > 0) {
    while (j > 0 && isPySpaceCode(s.charCodeAt(j - 1))) j--;
    if (j <= 0) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(0, j));
      break;
    }
    const end = j;
    while (j > 0 && !isPySpaceCode(s.charCodeAt(j - 1))) j--;
    out.push(s.slice(j, end));
  }
  return out.reverse();
}

function splitSep(s: string, sep: string, maxsplit: number): string[] {
  if (maxsplit < 0) return s.split(sep);
  const out: string[] = [];
  let from = 0;
  while (out.length < maxsplit) {
    const i = s.indexOf(sep, from);
    if (i < 0) break;
    out.push(s.slice(from, i));
    from = i + sep.length;
  }
  out.push(s.slice(from));
  return out;
}

function rsplitSep(s: string, sep: string, maxsplit: number): string[] {
  if (maxsplit < 0) return s.split(sep);
  const out: string[] = [];
  let end = s.length;
  while (out.length < maxsplit) {
    const i = s.lastIndexOf(sep, end - sep.length);
    if (i < 0 || end - sep.length < 0) break;
    out.push(s.slice(i + sep.length, end));
    end = i;
  }
  out.push(s.slice(0, end));
  return out.reverse();
}

function doSplit(self: string, name: string, args: PyValue[], kwargs: Map<string, PyValue>, reverse: boolean): PyValue {
  const [sepV, maxV] = bind({ name, params: ['sep', 'maxsplit'], required: 0 }, args, kwargs);
  const maxsplit = maxsplitArg(maxV);
  let parts: string[];
  if (sepV === undefined || sepV === null) {
    parts = reverse ? rsplitWhitespace(self, maxsplit) : splitWhitespace(self, maxsplit);
  } else {
    const sep = strArg(sepV, (t) => `must be str or None, not ${t}`);
    if (sep === '') throw valueError('empty separator');
    parts = reverse ? rsplitSep(self, sep, maxsplit) : splitSep(self, sep, maxsplit);
  }
  return new PyList(parts);
}

const TITLE_SPECIAL: Record<string, string> = {
  ǆ: 'ǅ', ǅ: 'ǅ', Ǆ: 'ǅ', ǉ: 'ǈ', ǈ: 'ǈ', Ǉ: 'ǈ', ǌ: 'ǋ', ǋ: 'ǋ', Ǌ: 'ǋ', ǳ: 'ǲ', ǲ: 'ǲ', Ǳ: 'ǲ',
};

/** The title case of one character (JavaScript has only upper case). */
export function titleChar(ch: string): string {
  const special = TITLE_SPECIAL[ch];
  if (special) return special;
  const up = ch.toUpperCase();
  if (up.length > 1 && strLen(up) > 1) {
    const [first, ...rest] = Array.from(up);
    return first + rest.join('').toLowerCase();
  }
  return up;
}

const CASED = /\p{Cased}/u;
const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const TITLECASE = /\p{Lt}/u;

export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    out += prevCased ? ch.toLowerCase() : titleChar(ch);
    prevCased = CASED.test(ch);
  }
  return out;
}

export function pyCapitalize(s: string): string {
  if (s === '') return s;
  const cps = Array.from(s);
  return titleChar(cps[0]!) + cps.slice(1).join('').toLowerCase();
}

function pySwapcase(s: string): string {
  let out = '';
  for (const ch of s) out += UPPER.test(ch) ? ch.toLowerCase() : LOWER.test(ch) ? ch.toUpperCase() : ch;
  return out;
}

const DIGIT_EXTRA = /[\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792]/u;
const CJK_NUMERIC = /[\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343\u4e07\u5104\u5146\u96f6\u58f9\u8d30\u53c1\u8086\u4f0d\u9646\u67d2\u634c\u7396\u62fe\u4f70\u4edf\u842c\u8cb3\u53c3\u9678]/u;

const isDecimalChar = (ch: string) => /\p{Nd}/u.test(ch);
const isDigitChar = (ch: string) => isDecimalChar(ch) || DIGIT_EXTRA.test(ch);
const isNumericChar = (ch: string) => /\p{N}/u.test(ch) || CJK_NUMERIC.test(ch);
const isAlphaChar = (ch: string) => /\p{L}/u.test(ch);

function allChars(s: string, test: (ch: string) => boolean): boolean {
  if (s === '') return false;
  for (const ch of s) if (!test(ch)) return false;
  return true;
}

/** str.islower (LOWER, UPPER) and str.isupper (UPPER, LOWER): some cased character, all of them in `wanted` case. */
function allCasedAs(s: string, wanted: RegExp, other: RegExp): boolean {
  let cased = false;
  for (const ch of s) {
    if (other.test(ch) || TITLECASE.test(ch)) return false;
    if (wanted.test(ch)) cased = true;
  }
  return cased;
}

function pyIsTitle(s: string): boolean {
  let cased = false;
  let prevCased = false;
  for (const ch of s) {
    if (UPPER.test(ch) || TITLECASE.test(ch)) {
      if (prevCased) return false;
      prevCased = true;
      cased = true;
    } else if (LOWER.test(ch)) {
      if (!prevCased) return false;
      prevCased = true;
      cased = true;
    } else prevCased = false;
  }
  return cased;
}

function fillArg(v: PyValue | undefined): string {
  if (v === undefined) return ' ';
  const s = asStr(v);
  if (s === undefined) throw typeError(`The fill character must be a unicode character, not ${typeName(v)}`);
  if (strLen(s) !== 1) throw typeError('The fill character must be exactly one character long');
  return s;
}

function justify(self: string, name: string, args: PyValue[], kwargs: Map<string, PyValue>): [number, string, number] {
  const [widthV, fillV] = bind(sig(name, ['width', 'fillchar'], 1, true), args, kwargs);
  const width = Number(intArg(widthV!));
  return [width, fillArg(fillV), strLen(self)];
}

function prefixTest(self: string, name: string, args: PyValue[], kwargs: Map<string, PyValue>, atEnd: boolean): boolean {
  const [prefixV, startV, endV] = bind(sig(name, ['prefix', 'start', 'end'], 1), args, kwargs);
  const len = strLen(self);
  const [start, end] = adjust(len, startV, endV);
  const check = (p: string): boolean => {
    const plen = strLen(p);
    if (end - plen < start) return false;
    if (plen === 0) return true;
    const part = cpSlice(self, start, end);
    return atEnd ? part.endsWith(p) : part.startsWith(p);
  };
  if (prefixV instanceof PyTuple) {
    for (const p of prefixV.items) {
      const ps = asStr(p);
      if (ps === undefined) {
        throw typeError(`tuple for ${name} must only contain str, not ${typeName(p)}`);
      }
      if (check(ps)) return true;
    }
    return false;
  }
  const p = asStr(prefixV!);
  if (p === undefined) {
    throw typeError(`${name} first arg must be str or a tuple of str, not ${typeName(prefixV!)}`);
  }
  return check(p);
}

function expandTabs(s: string, tabsize: number): string {
  let out = '';
  let col = 0;
  for (const ch of s) {
    if (ch === '\t') {
      if (tabsize > 0) {
        const n = tabsize - (col % tabsize);
        out += ' '.repeat(n);
        col += n;
      }
    } else {
      out += ch;
      col = ch === '\n' || ch === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

export function strJoin(sep: string, iterable: PyValue): string {
  const parts: string[] = [];
  let i = 0;
  for (const item of iterate(iterable)) {
    const s = asStr(item);
    if (s === undefined) throw typeError(`sequence item ${i}: expected str instance, ${typeName(item)} found`);
    parts.push(s);
    i++;
  }
  return parts.join(sep);
}

/** str.replace(old, new, count) */
export function strReplace(s: string, old: string, repl: string, count = -1): string {
  if (count < 0 && old !== '') return s.split(old).join(repl);
  if (count < 0) count = Infinity;
  if (count === 0) return s;
  if (old === '') {
    const cps = codePoints(s);
    let out = '';
    let n = 0;
    for (let i = 0; i <= cps.length; i++) {
      if (n < count) {
        out += repl;
        n++;
      }
      if (i < cps.length) out += cps[i];
    }
    return out;
  }
  let out = '';
  let from = 0;
  let n = 0;
  while (n < count) {
    const i = s.indexOf(old, from);
    if (i < 0) break;
    out += s.slice(from, i) + repl;
    from = i + old.length;
    n++;
  }
  return out + s.slice(from);
}

/** str.maketrans(x[, y[, z]]) */
export function strMaketrans(args: PyValue[]): PyDict {
  const d = new PyDict();
  if (args.length === 1) {
    const m = args[0]!;
    if (!(m instanceof PyDict)) throw typeError('if you give only one argument to maketrans it must be a dict');
    for (const [k, v] of m.entries()) {
      const ks = asStr(k);
      if (ks !== undefined) {
        if (strLen(ks) !== 1) throw valueError('string keys in translate table must be of length 1');
        d.set(BigInt(ks.codePointAt(0)!), v);
      } else if (typeof k === 'bigint') d.set(k, v);
      else throw typeError('keys in translate table must be strings or integers');
    }
    return d;
  }
  const x = asStr(args[0]!);
  const y = asStr(args[1]!);
  if (x === undefined || y === undefined) throw typeError('maketrans() argument must be str');
  const xs = codePoints(x);
  const ys = codePoints(y);
  if (xs.length !== ys.length) throw valueError('the first two maketrans arguments must have equal length');
  xs.forEach((c, i) => d.set(BigInt(c.codePointAt(0)!), BigInt(ys[i]!.codePointAt(0)!)));
  if (args.length > 2) {
    const z = asStr(args[2]!) ?? '';
    for (const c of codePoints(z)) d.set(BigInt(c.codePointAt(0)!), null);
  }
  return d;
}

function translate(s: string, table: PyValue): string {
  let out = '';
  for (const ch of s) {
    let r: PyValue;
    try {
      r = getItem(table, BigInt(ch.codePointAt(0)!));
    } catch (e) {
      if (e instanceof PyException && e.isInstance('LookupError')) {
        out += ch;
        continue;
      }
      throw e;
    }
    if (r === null) continue;
    if (typeof r === 'bigint') out += String.fromCodePoint(Number(r));
    else {
      const rs = asStr(r);
      if (rs === undefined) throw typeError('character mapping must return integer, None or str');
      out += rs;
    }
  }
  return out;
}

// ---- the table -------------------------------------------------------------------

const m: Record<string, Method<string>> = {
  capitalize: (s, a, k) => (noArgs('str.capitalize', a, k), pyCapitalize(s)),
  casefold: (s, a, k) => (noArgs('str.casefold', a, k), s.toLowerCase().replace(/\u00df/g, 'ss').replace(/\u03c2/g, '\u03c3').replace(/\u017f/g, 's')),
  center: (s, a, k) => {
    const [width, fill, len] = justify(s, 'center', a, k);
    if (width <= len) return s;
    const marg = width - len;
    const left = Math.floor(marg / 2) + (marg & width & 1);
    return fill.repeat(left) + s + fill.repeat(marg - left);
  },
  count: (s, a, k) => {
    const [subV, startV, endV] = bind(sig('count', ['sub', 'start', 'end'], 1), a, k);
    const sub = subArg(subV!);
    const len = strLen(s);
    const [start, end] = adjust(len, startV, endV);
    if (end - start < strLen(sub)) return 0n;
    if (sub === '') return BigInt(end - start + 1);
    const part = cpSlice(s, start, end);
    return BigInt(part.split(sub).length - 1);
  },
  encode: (s, a, k) => {
    const [enc, errors] = bind({ name: 'encode', params: ['encoding', 'errors'], required: 0 }, a, k);
    return encodeStr(
      s,
      enc === undefined ? 'utf-8' : strArg(enc, (t) => `encode() argument 'encoding' must be str, not ${t}`),
      errors === undefined ? 'strict' : strArg(errors, (t) => `encode() argument 'errors' must be str, not ${t}`),
    );
  },
  endswith: (s, a, k) => prefixTest(s, 'endswith', a, k, true),
  expandtabs: (s, a, k) => {
    const [t] = bind({ name: 'expandtabs', params: ['tabsize'], required: 0 }, a, k);
    return expandTabs(s, t === undefined ? 8 : Number(intArg(t)));
  },
  find: (s, a, k) => BigInt(findIn(s, 'find', a, k, false)),
  format: (s, a, k) => strFormat(s, a, k),
  format_map: (s, a, k) => {
    const [mapping] = bind(sig('format_map', ['mapping']), a, k);
    return strFormatMap(s, mapping!);
  },
  index: (s, a, k) => {
    const i = findIn(s, 'index', a, k, false);
    if (i < 0) throw valueError('substring not found');
    return BigInt(i);
  },
  isalnum: (s, a, k) => (noArgs('str.isalnum', a, k), allChars(s, (c) => isAlphaChar(c) || isNumericChar(c) || isDigitChar(c))),
  isalpha: (s, a, k) => (noArgs('str.isalpha', a, k), allChars(s, isAlphaChar)),
  isascii: (s, a, k) => (noArgs('str.isascii', a, k), !/[^\x00-\x7f]/.test(s)),
  isdecimal: (s, a, k) => (noArgs('str.isdecimal', a, k), allChars(s, isDecimalChar)),
  isdigit: (s, a, k) => (noArgs('str.isdigit', a, k), allChars(s, isDigitChar)),
  isidentifier: (s, a, k) => (noArgs('str.isidentifier', a, k), /^[\p{XID_Start}_][\p{XID_Continue}]*$/u.test(s)),
  islower: (s, a, k) => (noArgs('str.islower', a, k), allCasedAs(s, LOWER, UPPER)),
  isnumeric: (s, a, k) => (noArgs('str.isnumeric', a, k), allChars(s, isNumericChar)),
  isprintable: (s, a, k) => {
    noArgs('str.isprintable', a, k);
    for (const ch of s) if (!isPrintableChar(ch)) return false;
    return true;
  },
  isspace: (s, a, k) => (noArgs('str.isspace', a, k), allChars(s, (c) => c.length === 1 && isPySpaceCode(c.charCodeAt(0)))),
  istitle: (s, a, k) => (noArgs('str.istitle', a, k), pyIsTitle(s)),
  isupper: (s, a, k) => (noArgs('str.isupper', a, k), allCasedAs(s, UPPER, LOWER)),
  join: (s, a, k) => {
    const [it] = bind(sig('str.join', ['iterable']), a, k);
    return strJoin(s, it!);
  },
  ljust: (s, a, k) => {
    const [width, fill, len] = justify(s, 'ljust', a, k);
    return width <= len ? s : s + fill.repeat(width - len);
  },
  lower: (s, a, k) => (noArgs('str.lower', a, k), s.toLowerCase()),
  lstrip: (s, a, k) => stripChars(s, 'lstrip', a, k, true, false),
  maketrans: (_s, a) => strMaketrans(a),
  partition: (s, a, k) => {
    const [sepV] = bind(sig('str.partition', ['sep']), a, k);
    const sep = strArg(sepV!, (t) => `must be str, not ${t}`);
    if (sep === '') throw valueError('empty separator');
    const i = s.indexOf(sep);
    return i < 0 ? new PyTuple([s, '', '']) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s, a, k) => {
    const [p] = bind(sig('str.removeprefix', ['prefix']), a, k);
    const pre = strArg(p!, (t) => `removeprefix() argument must be str, not ${t}`);
    return pre !== '' && s.startsWith(pre) ? s.slice(pre.length) : s;
  },
  removesuffix: (s, a, k) => {
    const [p] = bind(sig('str.removesuffix', ['suffix']), a, k);
    const suf = strArg(p!, (t) => `removesuffix() argument must be str, not ${t}`);
    return suf !== '' && s.endsWith(suf) ? s.slice(0, s.length - suf.length) : s;
  },
  replace: (s, a, k) => {
    const [oldV, newV, countV] = bind(sig('replace', ['old', 'new', 'count'], 2, true), a, k);
    const old = strArg(oldV!, (t) => `replace() argument 1 must be str, not ${t}`);
    const repl = strArg(newV!, (t) => `replace() argument 2 must be str, not ${t}`);
    return strReplace(s, old, repl, countV === undefined ? -1 : Number(intArg(countV)));
  },
  rfind: (s, a, k) => BigInt(findIn(s, 'rfind', a, k, true)),
  rindex: (s, a, k) => {
    const i = findIn(s, 'rindex', a, k, true);
    if (i < 0) throw valueError('substring not found');
    return BigInt(i);
  },
  rjust: (s, a, k) => {
    const [width, fill, len] = justify(s, 'rjust', a, k);
    return width <= len ? s : fill.repeat(width - len) + s;
  },
  rpartition: (s, a, k) => {
    const [sepV] = bind(sig('str.rpartition', ['sep']), a, k);
    const sep = strArg(sepV!, (t) => `must be str, not ${t}`);
    if (sep === '') throw valueError('empty separator');
    const i = s.lastIndexOf(sep);
    return i < 0 ? new PyTuple(['', '', s]) : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rsplit: (s, a, k) => doSplit(s, 'rsplit', a, k, true),
  rstrip: (s, a, k) => stripChars(s, 'rstrip', a, k, false, true),
  split: (s, a, k) => doSplit(s, 'split', a, k, false),
  splitlines: (s, a, k) => {
    const [keep] = bind({ name: 'splitlines', params: ['keepends'], required: 0 }, a, k);
    return new PyList(pySplitLines(s, keep !== undefined && truthy(keep)));
  },
  startswith: (s, a, k) => prefixTest(s, 'startswith', a, k, false),
  strip: (s, a, k) => stripChars(s, 'strip', a, k, true, true),
  swapcase: (s, a, k) => (noArgs('str.swapcase', a, k), pySwapcase(s)),
  title: (s, a, k) => (noArgs('str.title', a, k), pyTitle(s)),
  translate: (s, a, k) => {
    const [table] = bind(sig('str.translate', ['table']), a, k);
    return translate(s, table!);
  },
  upper: (s, a, k) => (noArgs('str.upper', a, k), s.toUpperCase()),
  zfill: (s, a, k) => {
    const [w] = bind(sig('str.zfill', ['width']), a, k);
    const width = Number(intArg(w!));
    const len = strLen(s);
    if (width <= len) return s;
    const fill = '0'.repeat(width - len);
    if (s[0] === '+' || s[0] === '-') return s[0] + fill + s.slice(1);
    return fill + s;
  },
  __contains__: (s, a, k) => {
    const [x] = bind(sig('str.__contains__', ['key']), a, k);
    return s.includes(strArg(x!, (t) => `'in <string>' requires string as left operand, not ${t}`));
  },
  __len__: (s, a, k) => (noArgs('str.__len__', a, k), BigInt(strLen(s))),
  __getitem__: (s, a, k) => {
    const [key] = bind(sig('str.__getitem__', ['key']), a, k);
    return getItem(s, key!);
  },
};

export const strMethods = methodTable(m);
