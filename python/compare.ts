// Truthiness, equality, identity and ordering with Python's rules: empty
// containers are false, True == 1 == 1.0, lists compare element-wise, and
// ordering values of unrelated types raises TypeError.

import { PyException } from './exceptions.ts';
import { hasAstral } from './codepoints.ts';
import {
  PyBytes,
  PyDict,
  PyList,
  PyObject,
  PyRange,
  PySetBase,
  PyTuple,
  typeName,
  type PyValue,
} from './value.ts';

export function truthy(v: PyValue): boolean {
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0; // NaN is true in Python
    case 'boolean':
      return v;
  }
  if (v === null) return false;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict || v instanceof PySetBase) return v.size > 0;
  if (v instanceof PyBytes) return v.data.length > 0;
  if (v instanceof PyRange) return v.length > 0n;
  return v.pyBool();
}

/** A number as bigint|number with bools turned into ints; undefined if not a number. */
function numeric(v: PyValue): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return undefined;
}

/** a == b */
export function pyEq(a: PyValue, b: PyValue): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
  // a built-in left operand does not know an object: ask the object (reflected __eq__)
  if (!(a instanceof PyObject) && b instanceof PyObject) return b.pyEq(a);
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    // JavaScript compares bigint with number exactly
    return nb !== undefined && na == nb;
  }
  if (typeof a === 'string') {
    if (typeof b === 'string') return false; // a === b was handled
    return b instanceof PyObject ? b.pyEq(a) : false;
  }
  if (a === null || b === null) {
    if (a instanceof PyObject) return a.pyEq(b);
    if (b instanceof PyObject) return b.pyEq(a);
    return false;
  }
  if (!(a instanceof PyObject)) return b instanceof PyObject ? b.pyEq(a) : false;
  if (a instanceof PyList) return b instanceof PyList && seqEq(a.items, b.items);
  if (a instanceof PyTuple) return b instanceof PyTuple && seqEq(a.items, b.items);
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      const w = b.get(k);
      if (w === undefined || !pyEq(v, w)) return false;
    }
    return true;
  }
  if (a instanceof PySetBase) {
    if (!(b instanceof PySetBase) || a.size !== b.size) return false;
    for (const v of a.values()) if (!b.has(v)) return false;
    return true;
  }
  if (a instanceof PyBytes) {
    if (!(b instanceof PyBytes) || a.data.length !== b.data.length) return false;
    return a.data.every((x, i) => x === b.data[i]);
  }
  if (a instanceof PyRange) {
    if (!(b instanceof PyRange)) return false;
    const n = a.length;
    if (n !== b.length) return false;
    if (n === 0n) return true;
    if (a.start !== b.start) return false;
    return n === 1n || a.step === b.step;
  }
  return a.pyEq(b) || (b instanceof PyObject && b.pyEq(a));
}

function seqEq(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!pyEq(a[i]!, b[i]!)) return false;
  return true;
}

/** a is b: identity; small values of the same type are the same object. */
export function pyIs(a: PyValue, b: PyValue): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  return a === b;
}

export type CompareOp = '<' | '<=' | '>' | '>=';

function notSupported(op: CompareOp, a: PyValue, b: PyValue): PyException {
  return new PyException(
    'TypeError',
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Compares strings by code point (JavaScript compares UTF-16 units). */
function strCmp(a: string, b: string): number {
  if (!hasAstral(a) && !hasAstral(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function applyOp(op: CompareOp, x: bigint | number | string, y: bigint | number | string): boolean {
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

const REFLECTED: Record<CompareOp, CompareOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** a OP b for the four ordering operators. */
export function pyCompare(op: CompareOp, a: PyValue, b: PyValue): boolean {
  if (a instanceof PyObject && a.pyOrder) {
    const r = a.pyOrder(op, b, false);
    if (r !== undefined) return r;
  }
  if (b instanceof PyObject && b.pyOrder) {
    const r = b.pyOrder(REFLECTED[op], a, true);
    if (r !== undefined) return r;
  }
  const na = numeric(a);
  if (na !== undefined) {
    const nb = numeric(b);
    if (nb === undefined) throw notSupported(op, a, b);
    return applyOp(op, na, nb);
  }
  if (typeof a === 'string') {
    if (typeof b !== 'string') throw notSupported(op, a, b);
    const c = strCmp(a, b);
    return applyOp(op, c, 0);
  }
  if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
    const x = a.items;
    const y = (b as PyList | PyTuple).items;
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      if (!pyEq(x[i]!, y[i]!)) return pyCompare(op, x[i]!, y[i]!);
    }
    return applyOp(op, x.length, y.length);
  }
  if (a instanceof PySetBase && b instanceof PySetBase) {
    const subset = (p: PySetBase, q: PySetBase) => p.size <= q.size && [...p.values()].every((v) => q.has(v));
    switch (op) {
      case '<=':
        return subset(a, b);
      case '<':
        return a.size < b.size && subset(a, b);
      case '>=':
        return subset(b, a);
      case '>':
        return b.size < a.size && subset(b, a);
    }
  }
  if (a instanceof PyBytes && b instanceof PyBytes) {
    return applyOp(op, a.toLatin1(), b.toLatin1());
  }
  throw notSupported(op, a, b);
}


/** A total comparator for sorting: uses only `<`, as list.sort does. */
export function sortCompare(a: PyValue, b: PyValue): number {
  if (pyCompare('<', a, b)) return -1;
  if (pyCompare('<', b, a)) return 1;
  return 0;
}
