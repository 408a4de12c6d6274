// iter(), len() and `in` for every value, with CPython's errors: iterating
// a dict while its size changes raises RuntimeError, iterating an int
// raises TypeError.

import { PyException, typeError } from './exceptions.ts';
import { pyEq } from './compare.ts';
import { strLen } from './codepoints.ts';
import {
  PyBytes,
  PyDict,
  PyDictView,
  PyFrozenSet,
  PyIterator,
  PyList,
  PyObject,
  PyRange,
  PySet,
  PyTuple,
  asStr,
  typeName,
  type PyValue,
} from './value.ts';

function* listIter(list: PyList): Iterator<PyValue> {
  // by index, so that items appended while iterating are visited (as in CPython)
  for (let i = 0; i < list.items.length; i++) yield list.items[i]!;
}

function* dictIter<T>(d: PyDict, source: () => IterableIterator<T>): Iterator<T> {
  const version = d.version;
  const size = d.size;
  for (const v of source()) {
    if (d.version !== version) break;
    yield v;
  }
  if (d.size !== size) throw new PyException('RuntimeError', 'dictionary changed size during iteration');
  if (d.version !== version) throw new PyException('RuntimeError', 'dictionary keys changed during iteration');
}

function* setIter(s: PySet): Iterator<PyValue> {
  const version = s.version;
  const size = s.size;
  for (const v of s.values()) {
    if (s.version !== version) break;
    yield v;
  }
  if (s.version !== version || s.size !== size) {
    throw new PyException('RuntimeError', 'Set changed size during iteration');
  }
}

function* bytesIter(b: PyBytes): Iterator<PyValue> {
  for (const x of b.data) yield BigInt(x);
}

/** iter(v) as a JavaScript iterator; raises TypeError for non-iterables. */
export function pyIter(v: PyValue): Iterator<PyValue> {
  if (typeof v === 'string') return v[Symbol.iterator]();
  if (v instanceof PyList) return listIter(v);
  if (v instanceof PyTuple) return v.items[Symbol.iterator]();
  if (v instanceof PyDict) return dictIter(v, () => v.keys());
  if (v instanceof PySet) return setIter(v);
  if (v instanceof PyFrozenSet) return v.values();
  if (v instanceof PyDictView) return dictIter(v.dict, () => v.elements());
  if (v instanceof PyBytes) return bytesIter(v);
  if (v instanceof PyObject) {
    const it = v.pyIter();
    if (it) return it;
  }
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

/** Whether iter(v) would succeed. */
export function isIterable(v: PyValue): boolean {
  if (typeof v === 'string') return true;
  if (!(v instanceof PyObject)) return false;
  if (
    v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet ||
    v instanceof PyFrozenSet || v instanceof PyDictView || v instanceof PyBytes || v instanceof PyRange ||
    v instanceof PyIterator
  ) {
    return true;
  }
  return v.pyIter !== PyObject.prototype.pyIter;
}

/**
 * The most items tsbuildout puts in one list (list(range(10**12)) would
 * fill memory for minutes before Python's MemoryError): MemoryError.
 */
export const MAX_ITEMS = 10_000_000;

/** The elements of an iterable as an array (list(v)). */
export function toArray(v: PyValue): PyValue[] {
  if (v instanceof PyList) return v.items.slice();
  if (v instanceof PyTuple) return v.items.slice();
  if (typeof v === 'string') return Array.from(v);
  if (v instanceof PyRange && v.length > BigInt(MAX_ITEMS)) throw new PyException('MemoryError', `more than ${MAX_ITEMS} items (a tsbuildout limit)`);
  const out: PyValue[] = [];
  const it = pyIter(v);
  for (let r = it.next(); !r.done; r = it.next()) {
    if (out.length >= MAX_ITEMS) throw new PyException('MemoryError', `more than ${MAX_ITEMS} items (a tsbuildout limit)`);
    out.push(r.value);
  }
  return out;
}

/** Iterates with for..of. */
export function* iterate(v: PyValue): IterableIterator<PyValue> {
  const it = pyIter(v);
  for (let r = it.next(); !r.done; r = it.next()) yield r.value;
}

/** len(v) */
export function pyLen(v: PyValue): number {
  if (typeof v === 'string') return strLen(v);
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict || v instanceof PySet || v instanceof PyFrozenSet) return v.size;
  if (v instanceof PyBytes) return v.data.length;
  if (v instanceof PyObject) {
    const n = v.pyLen();
    if (n !== undefined) return n;
  }
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

/** Whether len(v) is defined. */
export function hasLen(v: PyValue): boolean {
  if (typeof v === 'string') return true;
  return v instanceof PyObject && (
    v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet ||
    v instanceof PyFrozenSet || v instanceof PyBytes || v.pyLen() !== undefined
  );
}

/** `needle in haystack` */
export function pyContains(haystack: PyValue, needle: PyValue): boolean {
  if (typeof haystack === 'string') {
    const sub = asStr(needle);
    if (sub !== undefined) return haystack.includes(sub);
    throw typeError(`'in <string>' requires string as left operand, not ${typeName(needle)}`);
  }
  if (haystack instanceof PyList || haystack instanceof PyTuple) {
    for (const x of haystack.items) if (x === needle || pyEq(x, needle)) return true;
    return false;
  }
  if (haystack instanceof PyDict) return haystack.has(needle);
  if (haystack instanceof PySet || haystack instanceof PyFrozenSet) return haystack.has(needle);
  if (haystack instanceof PyDictView) {
    if (haystack.kind === 'keys') return haystack.dict.has(needle);
    if (haystack.kind === 'items') {
      if (!(needle instanceof PyTuple) || needle.items.length !== 2) return false;
      const v = haystack.dict.get(needle.items[0]!);
      return v !== undefined && pyEq(v, needle.items[1]!);
    }
  }
  if (haystack instanceof PyRange) {
    if (typeof needle === 'bigint' || typeof needle === 'boolean') {
      const n = typeof needle === 'boolean' ? (needle ? 1n : 0n) : needle;
      const { start, stop, step } = haystack;
      const inside = step > 0n ? n >= start && n < stop : n <= start && n > stop;
      return inside && (n - start) % step === 0n;
    }
  }
  if (haystack instanceof PyBytes) {
    if (typeof needle === 'bigint') return haystack.data.includes(Number(needle));
    if (needle instanceof PyBytes) return haystack.toLatin1().includes(needle.toLatin1());
    throw typeError(`a bytes-like object is required, not '${typeName(needle)}'`);
  }
  if (haystack instanceof PyObject) {
    if (haystack.pyContains) return haystack.pyContains(needle);
    if (isIterable(haystack)) {
      for (const x of iterate(haystack)) if (pyEq(x, needle)) return true;
      return false;
    }
  }
  throw typeError(`argument of type '${typeName(haystack)}' is not iterable`);
}

