// x[key], x[key] = v, del x[key], and slices (negative indexes, steps),
// with CPython's errors.

import { PyException, indexError, typeError, valueError } from './exceptions.ts';
import { repr } from './repr.ts';
import { cpAt, cpSlice, hasAstral, strLen } from './codepoints.ts';
import { toArray } from './iter.ts';
import {
  PyByteArray, PyBytes,
  PyDict,
  PyList,
  PyObject,
  PyRange,
  PySlice,
  PyTuple,
  typeName,
  type PyValue,
} from './value.ts';

/** An index value as a JS number, or undefined if it is not an integer. */
function asIndex(v: PyValue): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

function sliceBound(v: PyValue): bigint | null {
  if (v === null) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw typeError('slice indices must be integers or None or have an __index__ method');
}

/** slice.indices(length): [start, stop, step, count] clamped as CPython does. */
export function sliceIndices(s: PySlice, length: number): [number, number, number, number] {
  const stepB = sliceBound(s.step);
  if (stepB === 0n) throw valueError('slice step cannot be zero');
  const step = stepB === null ? 1 : Number(stepB);
  const len = BigInt(length);
  const clamp = (b: bigint | null, dflt: bigint): bigint => {
    if (b === null) return dflt;
    if (b < 0n) {
      b += len;
      if (b < 0n) b = step < 0 ? -1n : 0n;
    } else if (b >= len) b = step < 0 ? len - 1n : len;
    return b;
  };
  const start = Number(clamp(sliceBound(s.start), step < 0 ? len - 1n : 0n));
  const stop = Number(clamp(sliceBound(s.stop), step < 0 ? -1n : len));
  let count = 0;
  if (step > 0) count = stop > start ? Math.floor((stop - start - 1) / step) + 1 : 0;
  else count = start > stop ? Math.floor((start - stop - 1) / -step) + 1 : 0;
  return [start, stop, step, count];
}

function sliceArray<T>(items: readonly T[], s: PySlice): T[] {
  const [start, stop, step, count] = sliceIndices(s, items.length);
  if (step === 1) return items.slice(start, stop);
  const out: T[] = new Array(count);
  for (let i = 0, j = start; i < count; i++, j += step) out[i] = items[j]!;
  return out;
}

function sliceStr(v: string, s: PySlice): string {
  const astral = hasAstral(v);
  const length = astral ? strLen(v) : v.length;
  const [start, stop, step] = sliceIndices(s, length);
  if (step === 1) return stop > start ? cpSlice(v, start, stop) : '';
  const chars = astral ? Array.from(v) : v;
  let out = '';
  if (step > 0) for (let i = start; i < stop; i += step) out += chars[i];
  else for (let i = start; i > stop; i += step) out += chars[i];
  return out;
}

/**
 * The position of index `i` in a sequence of `length`, counting from the
 * end when negative; outside it, IndexError "<what> index out of range".
 */
function position(i: number, length: number, what: string): number {
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw indexError(what ? `${what} index out of range` : 'index out of range');
  return j;
}

/** obj[key] */
export function getItem(obj: PyValue, key: PyValue): PyValue {
  if (obj instanceof PyDict) {
    const v = obj.get(key);
    if (v === undefined) throw new PyException('KeyError', repr(key));
    return v;
  }
  if (obj instanceof PyList || obj instanceof PyTuple) {
    const i = asIndex(key);
    if (i !== undefined) {
      const j = position(i, obj.items.length, obj.typeName);
      return obj.items[j]!;
    }
    if (key instanceof PySlice) {
      const items = sliceArray(obj.items, key);
      return obj instanceof PyList ? new PyList(items) : new PyTuple(items);
    }
    throw typeError(`${obj.typeName} indices must be integers or slices, not ${typeName(key)}`);
  }
  if (typeof obj === 'string') {
    const i = asIndex(key);
    if (i !== undefined) {
      const j = position(i, strLen(obj), 'string');
      return cpAt(obj, j);
    }
    if (key instanceof PySlice) return sliceStr(obj, key);
    throw typeError(`string indices must be integers, not '${typeName(key)}'`);
  }
  if (obj instanceof PyRange) {
    const i = asIndex(key);
    if (i !== undefined) {
      const n = Number(obj.length);
      const j = position(i, n, 'range object');
      return obj.at(BigInt(j));
    }
    if (key instanceof PySlice) {
      const [start, stop, step] = sliceIndices(key, Number(obj.length));
      return new PyRange(obj.at(BigInt(start)), obj.at(BigInt(stop)), obj.step * BigInt(step));
    }
    throw typeError(`range indices must be integers or slices, not ${typeName(key)}`);
  }
  if (obj instanceof PyBytes) {
    const i = asIndex(key);
    if (i !== undefined) {
      // CPython: "index out of range" for bytes, "bytearray index out of range"
      const j = position(i, obj.data.length, obj instanceof PyByteArray ? 'bytearray' : '');
      return BigInt(obj.data[j]!);
    }
    if (key instanceof PySlice) return new PyBytes(Uint8Array.from(sliceArray(Array.from(obj.data), key)));
    throw typeError(`byte indices must be integers or slices, not ${typeName(key)}`);
  }
  if (obj instanceof PyObject) {
    const v = obj.pyGetItem(key);
    if (v !== undefined) return v;
  }
  throw typeError(`'${typeName(obj)}' object is not subscriptable`);
}

/** obj[key] = value */
export function setItem(obj: PyValue, key: PyValue, value: PyValue): void {
  if (obj instanceof PyDict) {
    obj.set(key, value);
    return;
  }
  if (obj instanceof PyList) {
    const i = asIndex(key);
    if (i !== undefined) {
      const j = position(i, obj.items.length, 'list assignment');
      obj.items[j] = value;
      return;
    }
    if (key instanceof PySlice) {
      const repl = toArray(value);
      const [start, stop, step, count] = sliceIndices(key, obj.items.length);
      if (step === 1) {
        obj.items.splice(start, Math.max(0, stop - start), ...repl);
        return;
      }
      if (repl.length !== count) {
        throw valueError(`attempt to assign sequence of size ${repl.length} to extended slice of size ${count}`);
      }
      for (let k = 0, j = start; k < count; k++, j += step) obj.items[j] = repl[k]!;
      return;
    }
    throw typeError(`list indices must be integers or slices, not ${typeName(key)}`);
  }
  if (obj instanceof PyObject) {
    const setter = (obj as PyObject & { pySetItem?: (k: PyValue, v: PyValue) => void }).pySetItem;
    if (setter) return setter.call(obj, key, value);
  }
  throw typeError(`'${typeName(obj)}' object does not support item assignment`);
}

/** del obj[key] */
export function delItem(obj: PyValue, key: PyValue): void {
  if (obj instanceof PyDict) {
    if (!obj.delete(key)) throw new PyException('KeyError', repr(key));
    return;
  }
  if (obj instanceof PyList) {
    const i = asIndex(key);
    if (i !== undefined) {
      const j = position(i, obj.items.length, 'list assignment');
      obj.items.splice(j, 1);
      return;
    }
    if (key instanceof PySlice) {
      const [start, , step, count] = sliceIndices(key, obj.items.length);
      const drop = new Set<number>();
      for (let k = 0, j = start; k < count; k++, j += step) drop.add(j);
      obj.items = obj.items.filter((_, idx) => !drop.has(idx));
      return;
    }
    throw typeError(`list indices must be integers or slices, not ${typeName(key)}`);
  }
  throw typeError(`'${typeName(obj)}' object doesn't support item deletion`);
}
