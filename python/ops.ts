// Binary and unary operators with Python semantics: int and float
// arithmetic, sequence concatenation and repetition, str % args, set
// algebra, dict union, and CPython's TypeError messages.

import { PyException, typeError, zeroDivision } from './exceptions.ts';
import {
  checkedShift,
  divmodFloat,
  floorDivInt,
  intToFloat,
  modInt,
  powFloat,
  powInt,
  trueDivInt,
} from './numbers.ts';
import { percentFormat } from './percent-format.ts';
import { difference, intersection, symmetricDifference, union } from './set-ops.ts';
import { toArray } from './iter.ts';
import {
  PyBytes,
  PyDict,
  PyDictView,
  PyList,
  PyObject,
  PySet,
  PySetBase,
  PyTuple,
  asStr,
  typeName,
  type PyValue,
} from './value.ts';

export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '&' | '|' | '^' | '<<' | '>>' | '@';
export type UnaryOperator = '-' | '+' | '~';

/**
 * Objects may implement operators (Jinja2's Undefined and Markup do):
 * return undefined for "NotImplemented".
 */
export interface OperatorHook {
  pyBinary(op: BinaryOperator, other: PyValue, reflected: boolean): PyValue | undefined;
}

function hasHook(v: PyValue): v is PyObject & OperatorHook {
  return v instanceof PyObject && typeof (v as Partial<OperatorHook>).pyBinary === 'function';
}

function num(v: PyValue): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return undefined;
}

function unsupported(op: BinaryOperator, a: PyValue, b: PyValue): PyException {
  const sym = op === '**' ? '** or pow()' : op;
  return typeError(`unsupported operand type(s) for ${sym}: '${typeName(a)}' and '${typeName(b)}'`);
}

const MAX_REPEAT = 1 << 28;

const MAX_SSIZE = (1n << 63n) - 1n;

function repeatCount(n: bigint, unitLength: number): number {
  if (n > MAX_SSIZE || n < -MAX_SSIZE - 1n) throw new PyException('OverflowError', "cannot fit 'int' into an index-sized integer");
  if (n <= 0n || unitLength === 0) return 0;
  if (n * BigInt(unitLength) > BigInt(MAX_REPEAT)) throw new PyException('MemoryError', '');
  return Number(n);
}

function repeat(seq: PyValue, n: bigint): PyValue | undefined {
  const s = asStr(seq);
  if (s !== undefined) return s.repeat(repeatCount(n, s.length));
  if (seq instanceof PyList || seq instanceof PyTuple) {
    const k = repeatCount(n, seq.items.length);
    const out: PyValue[] = [];
    for (let i = 0; i < k; i++) out.push(...seq.items);
    return seq instanceof PyList ? new PyList(out) : new PyTuple(out);
  }
  if (seq instanceof PyBytes) {
    const k = repeatCount(n, seq.data.length);
    const out = new Uint8Array(seq.data.length * k);
    for (let i = 0; i < k; i++) out.set(seq.data, i * seq.data.length);
    return new PyBytes(out);
  }
  return undefined;
}

function isSequence(v: PyValue): boolean {
  return asStr(v) !== undefined || v instanceof PyList || v instanceof PyTuple || v instanceof PyBytes;
}

function numeric(op: BinaryOperator, x: bigint | number, y: bigint | number, a: PyValue, b: PyValue): PyValue {
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return trueDivInt(x, y);
      case '//':
        return floorDivInt(x, y);
      case '%':
        return modInt(x, y);
      case '**':
        return powInt(x, y);
      case '&':
      case '|':
      case '^': {
        const r = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
        return typeof a === 'boolean' && typeof b === 'boolean' ? r !== 0n : r;
      }
      case '<<':
        return checkedShift(x, y, true);
      case '>>':
        return checkedShift(x, y, false);
      default:
        throw unsupported(op, a, b);
    }
  }
  const fx = typeof x === 'bigint' ? intToFloat(x) : x;
  const fy = typeof y === 'bigint' ? intToFloat(y) : y;
  switch (op) {
    case '+':
      return fx + fy;
    case '-':
      return fx - fy;
    case '*':
      return fx * fy;
    case '/':
      if (fy === 0) throw zeroDivision('float division by zero');
      return fx / fy;
    case '//':
      return divmodFloat(fx, fy, 'float floor division by zero')[0];
    case '%':
      return divmodFloat(fx, fy, 'float modulo')[1];
    case '**':
      return powFloat(fx, fy);
    default:
      throw unsupported(op, a, b);
  }
}

function setLike(v: PyValue): PySetBase | undefined {
  return v instanceof PySetBase ? v : undefined;
}

function isSetView(v: PyValue): boolean {
  return v instanceof PyDictView && v.kind !== 'values';
}

/** a OP b */
export function binaryOp(op: BinaryOperator, a: PyValue, b: PyValue): PyValue {
  // str's own % (nb_remainder) runs before any reflected operator of the right operand
  if (op === '%' && typeof a === 'string') return percentFormat(a, b);
  if (hasHook(a)) {
    const r = a.pyBinary(op, b, false);
    if (r !== undefined) return r;
  }
  if (hasHook(b)) {
    const r = b.pyBinary(op, a, true);
    if (r !== undefined) return r;
  }
  // dict views (keys, items) combine with any iterable, iterating it
  if ((op === '&' || op === '|' || op === '^' || op === '-') && (isSetView(a) || isSetView(b))) {
    const sa = new PySet(toArray(a));
    const sb = new PySet(toArray(b));
    if (op === '|') return union(sa, [sb]);
    if (op === '&') return intersection(sa, sb);
    if (op === '-') return difference(sa, sb);
    return symmetricDifference(sa, sb);
  }
  const x = num(a);
  if (x !== undefined) {
    const y = num(b);
    if (y !== undefined) return numeric(op, x, y, a, b);
    if (op === '*' && typeof x === 'bigint' && isSequence(b)) return repeat(b, x)!;
    if (op === '*' && isSequence(b)) throw typeError(`can't multiply sequence by non-int of type '${typeName(a)}'`);
    throw unsupported(op, a, b);
  }
  switch (op) {
    case '+': {
      const s = asStr(a);
      if (s !== undefined) {
        const t = asStr(b);
        if (t === undefined) throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
        return s + t;
      }
      if (a instanceof PyList) {
        if (!(b instanceof PyList)) throw typeError(`can only concatenate list (not "${typeName(b)}") to list`);
        return new PyList(a.items.concat(b.items));
      }
      if (a instanceof PyTuple) {
        if (!(b instanceof PyTuple)) throw typeError(`can only concatenate tuple (not "${typeName(b)}") to tuple`);
        return new PyTuple(a.items.concat(b.items));
      }
      if (a instanceof PyBytes) {
        if (!(b instanceof PyBytes)) throw typeError(`can't concat ${typeName(b)} to ${typeName(a)}`);
        const out = new Uint8Array(a.data.length + b.data.length);
        out.set(a.data);
        out.set(b.data, a.data.length);
        return new PyBytes(out);
      }
      break;
    }
    case '*':
      if (isSequence(a)) {
        const n = num(b);
        if (typeof n === 'bigint') return repeat(a, n)!;
        throw typeError(`can't multiply sequence by non-int of type '${typeName(b)}'`);
      }
      // the right operand's sequence repetition, with the left as the count
      if (isSequence(b)) throw typeError(`can't multiply sequence by non-int of type '${typeName(a)}'`);
      break;
    case '%': {
      const s = asStr(a);
      if (s !== undefined) return percentFormat(s, b);
      break;
    }
    case '|':
    case '&':
    case '-':
    case '^': {
      if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
        const d = a.copy();
        for (const [k, v] of b.entries()) d.set(k, v);
        return d;
      }
      const sa = setLike(a);
      const sb = setLike(b);
      if (sa && sb) {
        if (op === '|') return union(sa, [sb]);
        if (op === '&') return intersection(sa, sb);
        if (op === '-') return difference(sa, sb);
        return symmetricDifference(sa, sb);
      }
      break;
    }
  }
  throw unsupported(op, a, b);
}

/**
 * a OP= b: lists extend in place with `+=`; otherwise the binary operator,
 * with the in-place operator in error messages.
 */
export function inplaceOp(op: BinaryOperator, a: PyValue, b: PyValue): PyValue {
  if (op === '+' && a instanceof PyList) {
    a.items.push(...toArray(b));
    return a;
  }
  try {
    return binaryOp(op, a, b);
  } catch (e) {
    if (e instanceof PyException && e.message.startsWith(`unsupported operand type(s) for ${op}:`)) {
      throw typeError(e.message.replace(`for ${op}:`, `for ${op}=:`));
    }
    throw e;
  }
}

/** -a, +a, ~a */
export function unaryOp(op: UnaryOperator, a: PyValue): PyValue {
  if (typeof a === 'boolean') a = a ? 1n : 0n;
  if (typeof a === 'bigint') return op === '-' ? -a : op === '+' ? a : ~a;
  if (typeof a === 'number' && op !== '~') return op === '-' ? -a : a;
  if (a instanceof PyObject) {
    const hook = (a as PyObject & { pyUnary?: (op: UnaryOperator) => PyValue | undefined }).pyUnary;
    const r = hook?.call(a, op);
    if (r !== undefined) return r;
  }
  throw typeError(`bad operand type for unary ${op}: '${typeName(a)}'`);
}
