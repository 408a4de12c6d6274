// Python's builtins (functions and types), shared by the expression
// evaluator and Jinja2 templates, with CPython's semantics and messages.

import { bind, intArg, strArg } from './args.ts';
import { getAttr, hasAttr, lookupAttr, methodTableFor, setAttr } from './attributes.ts';
import { callValue, isCallable } from './call.ts';
import { decodeBytes, encodeStr } from './codecs.ts';
import { pyCompare, pyEq, truthy } from './compare.ts';
import { PyException, typeError, valueError } from './exceptions.ts';
import { roundFloat } from './float-format.ts';
import { formatValue } from './format-spec.ts';
import { pyHash } from './hash.ts';
import { iterate, pyIter, pyLen, toArray } from './iter.ts';
import { dictFromKeys, dictUpdate } from './methods/dict.ts';
import { strMaketrans } from './methods/str.ts';
import type { Method } from './methods/table.ts';
import { divmodFloat, floatToInt, floorDivInt, intToFloat, modInt, parseFloatText, parseIntText, roundHalfEven, roundInt } from './numbers.ts';
import { binaryOp } from './ops.ts';
import { ascii, repr, str } from './repr.ts';
import { makeSet } from './set-ops.ts';
import { pySort } from './sort.ts';
import {
  PyByteArray,
  PyBytes,
  PyDict,
  PyDictView,
  PyFrozenSet,
  PyFunction,
  PyIterator,
  PyList,
  PyObject,
  PyRange,
  PySet,
  PySetBase,
  PySlice,
  PyTuple,
  PyType,
  asStr,
  typeName,
  type Kwargs,
  type PyCallable,
  type PyValue,
} from './value.ts';

const fn = (name: string, f: PyCallable) => new PyFunction(name, f);

function one(name: string, args: PyValue[], kwargs: Kwargs): PyValue {
  return bind({ name, params: ['obj'], positionalOnly: true }, args, kwargs)[0]!;
}

// ---- types ---------------------------------------------------------------------

function toInt(v: PyValue, base: PyValue | undefined): bigint {
  if (base !== undefined) {
    const s = asStr(v);
    const b = Number(intArg(base));
    if (s !== undefined) return parseIntText(s, b);
    if (v instanceof PyBytes) return parseIntText(v.toLatin1(), b);
    throw typeError("int() can't convert non-string with explicit base");
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return floatToInt(v);
  const s = asStr(v);
  if (s !== undefined) return parseIntText(s, 10);
  if (v instanceof PyBytes) return parseIntText(v.toLatin1(), 10);
  if (v instanceof PyObject) {
    for (const dunder of ['__int__', '__index__']) {
      const m = lookupAttr(v, dunder);
      if (m !== undefined) {
        const r = callValue(m, []);
        if (typeof r === 'bigint') return r;
      }
    }
  }
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
}

export function toFloat(v: PyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return intToFloat(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = asStr(v);
  if (s !== undefined) return parseFloatText(s);
  if (v instanceof PyBytes) {
    try {
      return parseFloatText(v.toLatin1());
    } catch {
      throw valueError(`could not convert string to float: ${repr(v)}`);
    }
  }
  if (v instanceof PyObject) {
    const m = lookupAttr(v, '__float__');
    if (m !== undefined) {
      const r = callValue(m, []);
      if (typeof r === 'number') return r;
    }
  }
  throw typeError(`float() argument must be a string or a real number, not '${typeName(v)}'`);
}

function toBytes(args: PyValue[], kwargs: Kwargs): PyBytes {
  const [src, enc, errors] = bind({ name: 'bytes', params: ['source', 'encoding', 'errors'], required: 0 }, args, kwargs);
  if (src === undefined) return new PyBytes(new Uint8Array());
  const s = asStr(src);
  if (s !== undefined) {
    if (enc === undefined) throw typeError('string argument without an encoding');
    return encodeStr(s, asStr(enc) ?? 'utf-8', errors === undefined ? 'strict' : asStr(errors) ?? 'strict');
  }
  if (typeof src === 'bigint' || typeof src === 'boolean') {
    const n = Number(intArg(src));
    if (n < 0) throw valueError('negative count');
    return new PyBytes(new Uint8Array(n));
  }
  if (src instanceof PyBytes) return src;
  const out: number[] = [];
  for (const v of iterate(src)) {
    const n = intArg(v);
    if (n < 0n || n > 255n) throw valueError('bytes must be in range(0, 256)');
    out.push(Number(n));
  }
  return new PyBytes(Uint8Array.from(out));
}

function toRange(args: PyValue[], kwargs: Kwargs): PyRange {
  if (kwargs.size) throw typeError('range() takes no keyword arguments');
  if (args.length === 0) throw typeError('range expected at least 1 argument, got 0');
  if (args.length > 3) throw typeError(`range expected at most 3 arguments, got ${args.length}`);
  const ints = args.map((a) => intArg(a));
  if (ints.length === 1) return new PyRange(0n, ints[0]!, 1n);
  const step = ints[2] ?? 1n;
  if (step === 0n) throw valueError('range() arg 3 must not be zero');
  return new PyRange(ints[0]!, ints[1]!, step);
}

const isInstanceOf = {
  int: (v: PyValue) => typeof v === 'bigint' || typeof v === 'boolean',
  bool: (v: PyValue) => typeof v === 'boolean',
  float: (v: PyValue) => typeof v === 'number',
  str: (v: PyValue) => asStr(v) !== undefined,
};

/** A built-in type: callable, usable with isinstance, with unbound methods (str.upper). */
function builtinType(
  name: string,
  construct: PyCallable,
  test: (v: PyValue) => boolean,
  statics: Record<string, PyValue> = {},
  parent: PyType | null = null,
): PyType {
  const t = new PyType(name, construct, test, parent);
  const table = methodTableFor(name);
  const map = new Map<string, PyValue>(Object.entries(statics));
  if (table) {
    for (const [mname, m] of table as ReadonlyMap<string, Method<PyValue>>) {
      if (!map.has(mname)) {
        map.set(mname, fn(mname, (args, kwargs) => {
          if (args.length === 0) throw typeError(`unbound method ${name}.${mname}() needs an argument`);
          const self = args[0]!;
          if (!test(self)) {
            throw typeError(`descriptor '${mname}' for '${name}' objects doesn't apply to a '${typeName(self)}' object`);
          }
          return m(typeof self === 'boolean' ? (self ? 1n : 0n) : self, args.slice(1), kwargs);
        }));
      }
    }
  }
  t.statics = map;
  return t;
}

export const intType = builtinType('int', (args, kwargs) => {
  const [x, base] = bind({ name: 'int', params: ['x', 'base'], required: 0 }, args, kwargs);
  if (x === undefined) return 0n;
  return toInt(x, base);
}, isInstanceOf.int);

export const boolType = builtinType('bool', (args, kwargs) => {
  if (kwargs.size) throw typeError('bool() takes no keyword arguments');
  if (args.length > 1) throw typeError(`bool expected at most 1 argument, got ${args.length}`);
  return args.length === 0 ? false : truthy(args[0]!);
}, isInstanceOf.bool, {}, intType);

export const floatType = builtinType('float', (args, kwargs) => {
  if (kwargs.size) throw typeError('float() takes no keyword arguments');
  if (args.length > 1) throw typeError(`float expected at most 1 argument, got ${args.length}`);
  return args.length === 0 ? 0.0 : toFloat(args[0]!);
}, isInstanceOf.float, {
  fromhex: fn('fromhex', (args) => {
    const s = strArg(args[0] ?? null, (t) => `must be str, not ${t}`).trim().toLowerCase();
    const m = /^([+-])?(?:0x)?([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === '' && !m[3])) throw valueError('invalid hexadecimal floating-point string');
    const mant = parseInt((m[2] || '0') + (m[3] ?? ''), 16) / 16 ** (m[3]?.length ?? 0);
    const v = mant * 2 ** Number(m[4] ?? 0);
    return m[1] === '-' ? -v : v;
  }),
});

export const strType = builtinType('str', (args, kwargs) => {
  const [obj, enc, errors] = bind({ name: 'str', params: ['object', 'encoding', 'errors'], required: 0 }, args, kwargs);
  if (obj === undefined) return '';
  if (enc !== undefined || errors !== undefined) {
    if (!(obj instanceof PyBytes)) throw typeError(`decoding to str: need a bytes-like object, ${typeName(obj)} found`);
    return decodeBytes(obj, enc === undefined ? 'utf-8' : asStr(enc) ?? 'utf-8', errors === undefined ? 'strict' : asStr(errors) ?? 'strict');
  }
  return str(obj);
}, isInstanceOf.str, { maketrans: fn('maketrans', (args) => strMaketrans(args)) });

export const listType = builtinType('list', (args, kwargs) => {
  if (kwargs.size) throw typeError('list() takes no keyword arguments');
  if (args.length > 1) throw typeError(`list expected at most 1 argument, got ${args.length}`);
  return new PyList(args.length ? toArray(args[0]!) : []);
}, (v) => v instanceof PyList);

export const tupleType = builtinType('tuple', (args, kwargs) => {
  if (kwargs.size) throw typeError('tuple() takes no keyword arguments');
  if (args.length > 1) throw typeError(`tuple expected at most 1 argument, got ${args.length}`);
  if (args.length && args[0] instanceof PyTuple) return args[0];
  return new PyTuple(args.length ? toArray(args[0]!) : []);
}, (v) => v instanceof PyTuple);

export const dictType = builtinType('dict', (args, kwargs) => {
  if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`);
  const d = new PyDict();
  dictUpdate(d, args[0], kwargs);
  return d;
}, (v) => v instanceof PyDict, { fromkeys: fn('fromkeys', dictFromKeys) });

export const setType = builtinType('set', (args, kwargs) => {
  if (kwargs.size) throw typeError('set() takes no keyword arguments');
  if (args.length > 1) throw typeError(`set expected at most 1 argument, got ${args.length}`);
  return makeSet(false, args[0]);
}, (v) => v instanceof PySet);

export const frozensetType = builtinType('frozenset', (args, kwargs) => {
  if (kwargs.size) throw typeError('frozenset() takes no keyword arguments');
  if (args.length > 1) throw typeError(`frozenset expected at most 1 argument, got ${args.length}`);
  if (args[0] instanceof PyFrozenSet) return args[0];
  return makeSet(true, args[0]);
}, (v) => v instanceof PyFrozenSet);

export const bytesType = builtinType('bytes', toBytes, (v) => v instanceof PyBytes && !(v instanceof PyByteArray), {
  fromhex: fn('fromhex', (args) => {
    const s = strArg(args[0] ?? null, (t) => `fromhex() argument must be str, not ${t}`).replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw valueError('non-hexadecimal number found in fromhex() arg');
    return new PyBytes(Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16)));
  }),
});

export const bytearrayType = builtinType('bytearray', (args, kwargs) => new PyByteArray(toBytes(args, kwargs).data), (v) => v instanceof PyByteArray);

export const rangeType = builtinType('range', toRange, (v) => v instanceof PyRange);

export const sliceType = builtinType('slice', (args) => {
  if (args.length === 0) throw typeError('slice expected at least 1 argument, got 0');
  if (args.length === 1) return new PySlice(null, args[0]!, null);
  return new PySlice(args[0]!, args[1]!, args[2] ?? null);
}, (v) => v instanceof PySlice);

const objectType = builtinType('object', () => {
  throw typeError('object() is not supported');
}, () => true);

const noneType = builtinType('NoneType', (args) => {
  if (args.length) throw typeError('NoneType takes no arguments');
  return null;
}, (v) => v === null);

const TYPES = new Map<string, PyType>(
  [intType, boolType, floatType, strType, listType, tupleType, dictType, setType, frozensetType, bytesType, bytearrayType, rangeType, sliceType, noneType, objectType].map((t) => [t.name, t]),
);

/** type(v): the built-in type object, or one made for other objects' type names. */
export function typeOf(v: PyValue): PyType {
  const name = typeName(v);
  const module = v instanceof PyObject ? v.typeModule : 'builtins';
  const key = module === 'builtins' ? name : `${module}.${name}`;
  let t = TYPES.get(key);
  if (!t) {
    t = new PyType(name, () => {
      throw typeError(`cannot create '${name}' instances`);
    }, (x) => typeName(x) === name);
    t.module = module;
    TYPES.set(key, t);
  }
  return t;
}

export const typeType: PyType = builtinType('type', (args, kwargs) => {
  if (args.length === 1 && kwargs.size === 0) return typeOf(args[0]!);
  throw typeError('type() takes 1 or 3 arguments');
}, (v) => v instanceof PyType);
TYPES.set('type', typeType);

// ---- functions ------------------------------------------------------------------

function isInstance(obj: PyValue, classinfo: PyValue): boolean {
  if (classinfo instanceof PyType) return classinfo.test(obj);
  if (classinfo instanceof PyTuple) return classinfo.items.some((c) => isInstance(obj, c));
  throw typeError('isinstance() arg 2 must be a type, a tuple of types, or a union');
}

function iteratorKind(v: PyValue): string {
  if (typeof v === 'string') return /^[\x00-\x7f]*$/.test(v) ? 'str_ascii_iterator' : 'str_iterator';
  if (v instanceof PyList) return 'list_iterator';
  if (v instanceof PyTuple) return 'tuple_iterator';
  if (v instanceof PyDict) return 'dict_keyiterator';
  if (v instanceof PyDictView) return v.kind === 'keys' ? 'dict_keyiterator' : v.kind === 'values' ? 'dict_valueiterator' : 'dict_itemiterator';
  if (v instanceof PySetBase) return 'set_iterator';
  if (v instanceof PyRange) return 'range_iterator';
  if (v instanceof PyBytes) return 'bytes_iterator';
  return 'iterator';
}

/** iter(v) as a Python iterator object (iterators return themselves). */
export function pyIterObject(v: PyValue): PyIterator {
  if (v instanceof PyIterator) return v;
  return new PyIterator(pyIter(v), iteratorKind(v));
}

function minMax(name: 'min' | 'max', args: PyValue[], kwargs: Kwargs): PyValue {
  const op = name === 'min' ? '<' : '>';
  const [key, dflt] = bind({ name, params: [], keywordOnly: ['key', 'default'] }, [], kwargs);
  let items: Iterable<PyValue>;
  if (args.length === 0) throw typeError(`${name} expected at least 1 argument, got 0`);
  if (args.length === 1) items = iterate(args[0]!);
  else {
    if (dflt !== undefined) {
      throw typeError(`Cannot specify a default for ${name}() with multiple positional arguments`);
    }
    items = args;
  }
  let best: PyValue | undefined;
  let bestKey: PyValue = null;
  for (const item of items) {
    const k = key === undefined || key === null ? item : callValue(key, [item]);
    if (best === undefined || pyCompare(op, k, bestKey)) {
      best = item;
      bestKey = k;
    }
  }
  if (best === undefined) {
    if (dflt !== undefined) return dflt;
    throw valueError(`${name}() arg is an empty sequence`);
  }
  return best;
}

function pyRound(args: PyValue[], kwargs: Kwargs): PyValue {
  const [x, nd] = bind({ name: 'round', params: ['number', 'ndigits'], required: 1, clinicMissing: true }, args, kwargs);
  const v = x!;
  if (typeof v === 'bigint' || typeof v === 'boolean') {
    const n = typeof v === 'boolean' ? (v ? 1n : 0n) : v;
    if (nd === undefined || nd === null) return n;
    return roundInt(n, intArg(nd));
  }
  if (typeof v === 'number') {
    if (nd === undefined || nd === null) return roundHalfEven(v);
    return roundFloat(v, Number(intArg(nd)));
  }
  if (v instanceof PyObject) {
    const m = lookupAttr(v, '__round__');
    if (m !== undefined) return callValue(m, nd === undefined ? [] : [nd]);
  }
  throw typeError(`type ${typeName(v)} doesn't define __round__ method`);
}

function divmod(args: PyValue[], kwargs: Kwargs): PyValue {
  const [a, b] = bind({ name: 'divmod', params: ['x', 'y'], positionalOnly: true, clinic: true }, args, kwargs);
  const x = typeof a === 'boolean' ? (a ? 1n : 0n) : a!;
  const y = typeof b === 'boolean' ? (b ? 1n : 0n) : b!;
  if (typeof x === 'bigint' && typeof y === 'bigint') return new PyTuple([floorDivInt(x, y), modInt(x, y, 'integer division or modulo by zero')]);
  if ((typeof x === 'bigint' || typeof x === 'number') && (typeof y === 'bigint' || typeof y === 'number')) {
    const fx = typeof x === 'bigint' ? intToFloat(x) : x;
    const fy = typeof y === 'bigint' ? intToFloat(y) : y;
    const [q, r] = divmodFloat(fx, fy, 'float divmod()');
    return new PyTuple([q, r]);
  }
  throw typeError(`unsupported operand type(s) for divmod(): '${typeName(a!)}' and '${typeName(b!)}'`);
}

function radix(name: string, prefix: string, base: number) {
  return fn(name, (args, kwargs) => {
    const n = intArg(one(name, args, kwargs));
    return (n < 0n ? '-' : '') + prefix + (n < 0n ? -n : n).toString(base);
  });
}

function sum(args: PyValue[], kwargs: Kwargs): PyValue {
  if (args.length === 0) throw typeError('sum() takes at least 1 positional argument (0 given)');
  const [it, start] = bind({ name: 'sum', params: ['iterable', 'start'], required: 1 }, args, kwargs);
  let acc: PyValue = start ?? 0n;
  if (asStr(acc) !== undefined) throw typeError("sum() can't sum strings [use ''.join(seq) instead]");
  if (acc instanceof PyBytes) throw typeError("sum() can't sum bytes [use b''.join(seq) instead]");
  for (const v of iterate(it!)) acc = binaryOp('+', acc, v);
  return acc;
}

function pyNext(args: PyValue[], kwargs: Kwargs): PyValue {
  if (kwargs.size) throw typeError('next() takes no keyword arguments');
  if (args.length < 1 || args.length > 2) throw typeError(`next expected at least 1 argument, got ${args.length}`);
  const it = args[0]!;
  if (!(it instanceof PyIterator)) {
    // objects with a __next__ method (Jinja2's cycler)
    const nextMethod = it instanceof PyObject ? lookupAttr(it, '__next__') : undefined;
    if (nextMethod === undefined) throw typeError(`'${typeName(it)}' object is not an iterator`);
    try {
      return callValue(nextMethod, []);
    } catch (e) {
      if (args.length === 2 && e instanceof PyException && e.pyType === 'StopIteration') return args[1]!;
      throw e;
    }
  }
  const r = it.next();
  if (r.done) {
    if (args.length === 2) return args[1]!;
    throw new PyException('StopIteration', '');
  }
  return r.value;
}

function reversedOf(v: PyValue): PyIterator {
  if (v instanceof PyList) {
    const list = v;
    return new PyIterator((function* () {
      for (let i = list.items.length - 1; i >= 0; i--) if (i < list.items.length) yield list.items[i]!;
    })(), 'list_reverseiterator');
  }
  if (v instanceof PyTuple || typeof v === 'string' || v instanceof PyRange || v instanceof PyBytes) {
    const items = toArray(v).reverse();
    const kind = v instanceof PyRange ? 'range_iterator' : 'reversed';
    return new PyIterator(items[Symbol.iterator](), kind);
  }
  if (v instanceof PyDict || v instanceof PyDictView) {
    const items = toArray(v).reverse();
    return new PyIterator(items[Symbol.iterator](), 'dict_reversekeyiterator');
  }
  if (v instanceof PyObject) {
    const m = lookupAttr(v, '__reversed__');
    if (m !== undefined) return pyIterObject(callValue(m, []));
    // the sequence protocol: __len__ and __getitem__ (not called before iterating)
    if (v.pyLen() !== undefined && v.pyGetItem !== PyObject.prototype.pyGetItem) {
      return new PyIterator(toArray(v).reverse()[Symbol.iterator](), 'reversed');
    }
  }
  throw typeError(`'${typeName(v)}' object is not reversible`);
}

function* zipIter(iters: Iterator<PyValue>[], strict: boolean): Generator<PyValue> {
  if (iters.length === 0) return;
  for (;;) {
    const row: PyValue[] = [];
    for (let i = 0; i < iters.length; i++) {
      const r = iters[i]!.next();
      if (r.done) {
        if (strict) {
          if (i > 0) throw valueError(`zip() argument ${i + 1} is shorter than argument${i > 1 ? 's 1-' + i : ' 1'}`);
          for (let j = 1; j < iters.length; j++) {
            if (!iters[j]!.next().done) throw valueError(`zip() argument ${j + 1} is longer than argument${j > 1 ? 's 1-' + j : ' 1'}`);
          }
        }
        return;
      }
      row.push(r.value);
    }
    yield new PyTuple(row);
  }
}

const print = fn('print', () => null);

/** The builtins namespace. */
export const builtins: ReadonlyMap<string, PyValue> = new Map<string, PyValue>([
  ['int', intType],
  ['bool', boolType],
  ['float', floatType],
  ['str', strType],
  ['list', listType],
  ['tuple', tupleType],
  ['dict', dictType],
  ['set', setType],
  ['frozenset', frozensetType],
  ['bytes', bytesType],
  ['bytearray', bytearrayType],
  ['range', rangeType],
  ['slice', sliceType],
  ['type', typeType],
  ['object', objectType],
  ['len', fn('len', (a, k) => BigInt(pyLen(one('len', a, k))))],
  ['repr', fn('repr', (a, k) => repr(one('repr', a, k)))],
  ['ascii', fn('ascii', (a, k) => ascii(one('ascii', a, k)))],
  ['abs', fn('abs', (a, k) => {
    const v = one('abs', a, k);
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'number') return Math.abs(v);
    throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
  })],
  ['all', fn('all', (a, k) => {
    for (const v of iterate(one('all', a, k))) if (!truthy(v)) return false;
    return true;
  })],
  ['any', fn('any', (a, k) => {
    for (const v of iterate(one('any', a, k))) if (truthy(v)) return true;
    return false;
  })],
  ['bin', radix('bin', '0b', 2)],
  ['callable', fn('callable', (a, k) => isCallable(one('callable', a, k)))],
  ['chr', fn('chr', (a, k) => {
    const n = intArg(one('chr', a, k));
    if (n > 2147483647n || n < -2147483648n) throw new PyException('OverflowError', 'Python int too large to convert to C int');
    if (n < 0n || n > 0x10ffffn) throw valueError('chr() arg not in range(0x110000)');
    return String.fromCodePoint(Number(n));
  })],
  ['divmod', fn('divmod', divmod)],
  ['enumerate', fn('enumerate', (a, k) => {
    if (a.length === 0 && !k.has('iterable')) throw typeError("enumerate() missing required argument 'iterable'");
    const [it, start] = bind({ name: 'enumerate', params: ['iterable', 'start'], required: 1 }, a, k);
    let i = start === undefined ? 0n : intArg(start);
    const src = pyIter(it!);
    return new PyIterator((function* () {
      for (let r = src.next(); !r.done; r = src.next()) yield new PyTuple([i++, r.value]);
    })(), 'enumerate');
  })],
  ['filter', fn('filter', (a, k) => {
    if (k.size) throw typeError('filter() takes no keyword arguments');
    if (a.length !== 2) throw typeError(`filter expected 2 arguments, got ${a.length}`);
    const [f, it] = a as [PyValue, PyValue];
    const src = pyIter(it);
    return new PyIterator((function* () {
      for (let r = src.next(); !r.done; r = src.next()) {
        if (f === null ? truthy(r.value) : truthy(callValue(f, [r.value]))) yield r.value;
      }
    })(), 'filter');
  })],
  ['format', fn('format', (a, k) => {
    const [v, spec] = bind({ name: 'format', params: ['value', 'format_spec'], required: 1, positionalOnly: true, clinic: true }, a, k);
    return formatValue(v!, spec === undefined ? '' : strArg(spec, (t) => `format() argument 2 must be str, not ${t}`));
  })],
  ['getattr', fn('getattr', (a, k) => {
    if (k.size) throw typeError('getattr() takes no keyword arguments');
    if (a.length < 2 || a.length > 3) throw typeError(`getattr expected ${a.length < 2 ? 'at least 2' : 'at most 3'} arguments, got ${a.length}`);
    const name = strArg(a[1]!, () => "attribute name must be string");
    if (a.length === 3) return lookupAttr(a[0]!, name) ?? a[2]!;
    return getAttr(a[0]!, name);
  })],
  ['hasattr', fn('hasattr', (a, k) => {
    const [o, n] = bind({ name: 'hasattr', params: ['obj', 'name'], positionalOnly: true, clinic: true }, a, k);
    return hasAttr(o!, strArg(n!, () => 'hasattr(): attribute name must be string'));
  })],
  ['setattr', fn('setattr', (a, k) => {
    const [o, n, v] = bind({ name: 'setattr', params: ['obj', 'name', 'value'], positionalOnly: true, clinic: true }, a, k);
    setAttr(o!, strArg(n!, () => 'attribute name must be string'), v!);
    return null;
  })],
  ['hash', fn('hash', (a, k) => pyHash(one('hash', a, k)))],
  ['hex', radix('hex', '0x', 16)],
  ['id', fn('id', (a, k) => {
    const v = one('id', a, k);
    return v instanceof PyObject ? BigInt(v.objectId) * 16n + 0x7f0000000000n : pyHash(v) & 0xffffffffn;
  })],
  ['isinstance', fn('isinstance', (a, k) => {
    const [o, c] = bind({ name: 'isinstance', params: ['obj', 'class_or_tuple'], positionalOnly: true, clinic: true }, a, k);
    return isInstance(o!, c!);
  })],
  ['iter', fn('iter', (a, k) => {
    const [obj, sentinel] = bind({ name: 'iter', params: ['object', 'sentinel'], required: 1, positionalOnly: true, clinic: true }, a, k);
    if (sentinel === undefined) return pyIterObject(obj!);
    // iter(callable, sentinel): call until the sentinel comes back
    return new PyIterator((function* () {
      for (;;) {
        const v = callValue(obj!, []);
        if (pyEq(v, sentinel)) return;
        yield v;
      }
    })(), 'callable_iterator');
  })],
  ['map', fn('map', (a, k) => {
    if (k.size) throw typeError('map() takes no keyword arguments');
    if (a.length < 2) throw typeError('map() must have at least two arguments.');
    const f = a[0]!;
    const iters = a.slice(1).map(pyIter);
    return new PyIterator((function* () {
      for (;;) {
        const row: PyValue[] = [];
        for (const it of iters) {
          const r = it.next();
          if (r.done) return;
          row.push(r.value);
        }
        yield callValue(f, row);
      }
    })(), 'map');
  })],
  ['max', fn('max', (a, k) => minMax('max', a, k))],
  ['min', fn('min', (a, k) => minMax('min', a, k))],
  ['next', fn('next', pyNext)],
  ['oct', radix('oct', '0o', 8)],
  ['ord', fn('ord', (a, k) => {
    const v = one('ord', a, k);
    const s = asStr(v);
    if (s !== undefined) {
      const cps = Array.from(s);
      if (cps.length !== 1) throw typeError(`ord() expected a character, but string of length ${cps.length} found`);
      return BigInt(s.codePointAt(0)!);
    }
    if (v instanceof PyBytes) {
      if (v.data.length !== 1) throw typeError(`ord() expected a character, but string of length ${v.data.length} found`);
      return BigInt(v.data[0]!);
    }
    throw typeError(`ord() expected string of length 1, but ${typeName(v)} found`);
  })],
  ['pow', fn('pow', (a, k) => {
    const [b, e, m] = bind({ name: 'pow', params: ['base', 'exp', 'mod'], required: 2, clinicMissing: true }, a, k);
    if (m === undefined || m === null) return binaryOp('**', b!, e!);
    const bb = intArg(b!);
    let ee = intArg(e!);
    const mm = intArg(m);
    if (mm === 0n) throw valueError('pow() 3rd argument cannot be 0');
    if (ee < 0n) throw valueError('base is not invertible for the given modulus');
    let r = 1n;
    let base = modInt(bb, mm);
    while (ee > 0n) {
      if (ee & 1n) r = modInt(r * base, mm);
      base = modInt(base * base, mm);
      ee >>= 1n;
    }
    return modInt(r, mm);
  })],
  ['print', print],
  ['reversed', fn('reversed', (a, k) => reversedOf(one('reversed', a, k)))],
  ['round', fn('round', pyRound)],
  ['sorted', fn('sorted', (a, k) => {
    if (a.length !== 1) throw typeError(`sorted expected 1 argument, got ${a.length}`);
    for (const key of k.keys()) {
      if (key !== 'key' && key !== 'reverse') throw typeError(`'${key}' is an invalid keyword argument for sort()`);
    }
    const [key, reverse] = bind({ name: 'sorted', params: [], keywordOnly: ['key', 'reverse'] }, [], k);
    const items = toArray(a[0]!);
    pySort(items, key ?? null, reverse !== undefined && truthy(reverse));
    return new PyList(items);
  })],
  ['sum', fn('sum', sum)],
  ['zip', fn('zip', (a, k) => {
    const [strict] = bind({ name: 'zip', params: [], keywordOnly: ['strict'] }, [], k);
    return new PyIterator(zipIter(a.map(pyIter), strict !== undefined && truthy(strict)), 'zip');
  })],
]);
