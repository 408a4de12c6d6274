// printf-style formatting: `'%s-%d' % (a, b)`, `'%(name)s' % d`, `%5.2f`,
// `%r`, `%%`, with CPython's argument rules and error messages.

import { PyException, typeError, valueError } from './exceptions.ts';
import { formatExponent, formatFixed, formatGeneral } from './float-format.ts';
import { floatToInt, intToFloat } from './numbers.ts';
import { ascii, repr, str } from './repr.ts';
import { strLen, cpSlice } from './codepoints.ts';
import { PyBytes, PyDict, PyList, PyObject, PyRange, PyTuple, typeName, type PyValue } from './value.ts';

interface Conv {
  left: boolean;
  zero: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  width: number;
  prec: number; // -1 when absent
  type: string;
}

/** What PyMapping_Check accepts (minus str and tuple): selects `%(key)` mode. */
function isMappingArg(v: PyValue): boolean {
  return (
    v instanceof PyDict || v instanceof PyList || v instanceof PyRange || v instanceof PyBytes ||
    (v instanceof PyObject && !(v instanceof PyTuple) && v.pyGetItem !== PyObject.prototype.pyGetItem)
  );
}

function padTo(body: string, c: Conv, signLen: number, numeric: boolean): string {
  const len = strLen(body);
  if (c.width <= len) return body;
  const n = c.width - len;
  if (c.left) return body + ' '.repeat(n);
  if (c.zero && numeric) return body.slice(0, signLen) + '0'.repeat(n) + body.slice(signLen);
  return ' '.repeat(n) + body;
}

function signOf(neg: boolean, c: Conv): string {
  return neg ? '-' : c.plus ? '+' : c.space ? ' ' : '';
}

/** The integer for %d/%i/%u: ints and bools as they are, floats truncated. */
function toIntegerForD(v: PyValue, type: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return floatToInt(v);
  throw typeError(`%${type} format: a real number is required, not ${typeName(v)}`);
}

/** The integer for %x/%o: floats are refused. */
function toIndex(v: PyValue, type: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw typeError(`%${type} format: an integer is required, not ${typeName(v)}`);
}

function toFloat(v: PyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return intToFloat(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw typeError(`must be real number, not ${typeName(v)}`);
}

function formatOne(v: PyValue, c: Conv): string {
  switch (c.type) {
    case 's':
    case 'r':
    case 'a': {
      let s = c.type === 's' ? str(v) : c.type === 'r' ? repr(v) : ascii(v);
      if (c.prec >= 0 && strLen(s) > c.prec) s = cpSlice(s, 0, c.prec);
      return padTo(s, c, 0, false);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      const n = 'diu'.includes(c.type) ? toIntegerForD(v, c.type) : toIndex(v, c.type);
      const neg = n < 0n;
      const a = neg ? -n : n;
      let digits = c.type === 'x' ? a.toString(16) : c.type === 'X' ? a.toString(16).toUpperCase()
        : c.type === 'o' ? a.toString(8) : a.toString();
      if (c.prec > digits.length) digits = digits.padStart(c.prec, '0');
      const prefix = c.alt ? (c.type === 'x' ? '0x' : c.type === 'X' ? '0X' : c.type === 'o' ? '0o' : '') : '';
      const lead = signOf(neg, c) + prefix;
      return padTo(lead + digits, c, lead.length, true);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const x = toFloat(v);
      const neg = x < 0 || Object.is(x, -0);
      const a = Math.abs(x);
      const prec = c.prec >= 0 ? c.prec : 6;
      let body: string;
      if (Number.isNaN(x)) body = 'nan';
      else if (!Number.isFinite(x)) body = 'inf';
      else if (c.type === 'f' || c.type === 'F') body = formatFixed(a, prec, c.alt);
      else if (c.type === 'e' || c.type === 'E') body = formatExponent(a, prec, c.alt);
      else body = formatGeneral(a, prec, c.alt);
      if (c.type === 'E' || c.type === 'F' || c.type === 'G') body = body.toUpperCase();
      const sign = signOf(neg && !Number.isNaN(x), c);
      return padTo(sign + body, c, sign.length, true);
    }
    case 'c': {
      let ch: string;
      if (typeof v === 'string') {
        if (strLen(v) !== 1) throw typeError('%c requires int or char');
        ch = v;
      } else if (typeof v === 'bigint' || typeof v === 'boolean') {
        const n = typeof v === 'boolean' ? (v ? 1n : 0n) : v;
        if (n < 0n || n > 0x10ffffn) throw new PyException('OverflowError', '%c arg not in range(0x110000)');
        ch = String.fromCodePoint(Number(n));
      } else throw typeError('%c requires int or char');
      return padTo(ch, c, 0, false);
    }
  }
  throw valueError(`unsupported format character '${c.type}'`);
}

/** format % args */
export function percentFormat(format: string, args: PyValue): string {
  const mapping = isMappingArg(args) ? args : null;
  const positional: readonly PyValue[] = args instanceof PyTuple ? args.items : [args];
  let argIndex = 0;
  const nextArg = (): PyValue => {
    if (argIndex >= positional.length) throw typeError('not enough arguments for format string');
    return positional[argIndex++]!;
  };
  const out: string[] = [];
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out.push(format.slice(i));
      break;
    }
    out.push(format.slice(i, pct));
    i = pct + 1;
    if (i >= n) throw valueError('incomplete format');
    if (format[i] === '%') {
      out.push('%');
      i++;
      continue;
    }
    let value: PyValue | undefined;
    if (format[i] === '(') {
      if (mapping === null) throw typeError('format requires a mapping');
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (format[i] === '(') depth++;
        else if (format[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw valueError('incomplete format key');
      const key = format.slice(start, i - 1);
      value = getItemForFormat(mapping, key);
    }
    const c: Conv = { left: false, zero: false, plus: false, space: false, alt: false, width: -1, prec: -1, type: '' };
    for (; i < n; i++) {
      const f = format[i];
      if (f === '-') c.left = true;
      else if (f === '0') c.zero = true;
      else if (f === '+') c.plus = true;
      else if (f === ' ') c.space = true;
      else if (f === '#') c.alt = true;
      else break;
    }
    if (format[i] === '*') {
      const w = nextArg();
      if (typeof w !== 'bigint' && typeof w !== 'boolean') throw typeError('* wants int');
      const wn = Number(w);
      if (wn < 0) {
        c.left = true;
        c.width = -wn;
      } else c.width = wn;
      i++;
    } else {
      const start = i;
      while (i < n && format[i]! >= '0' && format[i]! <= '9') i++;
      if (i > start) c.width = Number(format.slice(start, i));
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        const p = nextArg();
        if (typeof p !== 'bigint' && typeof p !== 'boolean') throw typeError('* wants int');
        c.prec = Math.max(0, Number(p));
        i++;
      } else {
        const start = i;
        while (i < n && format[i]! >= '0' && format[i]! <= '9') i++;
        c.prec = i > start ? Number(format.slice(start, i)) : 0;
      }
    }
    while (i < n && 'hlL'.includes(format[i]!)) i++;
    if (i >= n) throw valueError('incomplete format');
    const cp = format.codePointAt(i)!;
    const type = String.fromCodePoint(cp);
    i += type.length;
    // the argument is fetched before the conversion character is checked
    if (value === undefined) value = nextArg();
    if (!'sradiuxXoeEfFgGc'.includes(type)) {
      const code = cp.toString(16);
      throw valueError(`unsupported format character '${type}' (0x${code}) at index ${i - type.length}`);
    }
    c.type = type;
    out.push(formatOne(value, c));
  }
  if (argIndex < positional.length && mapping === null) {
    throw typeError('not all arguments converted during string formatting');
  }
  return out.join('');
}

function getItemForFormat(mapping: PyValue, key: string): PyValue {
  if (mapping instanceof PyDict) {
    const v = mapping.get(key);
    if (v === undefined) throw new PyException('KeyError', repr(key));
    return v;
  }
  if (mapping instanceof PyList || mapping instanceof PyRange) {
    throw typeError(`${typeName(mapping)} indices must be integers or slices, not str`);
  }
  if (mapping instanceof PyObject) {
    const v = mapping.pyGetItem(key);
    if (v !== undefined) return v;
  }
  throw new PyException('KeyError', repr(key));
}
