// Methods and attributes of int, bool, float and bytes.

import { bind, intArg, noArgs } from '../args.ts';
import { decodeBytes } from '../codecs.ts';
import { PyException, overflowError, valueError } from '../exceptions.ts';
import { floatToInt } from '../numbers.ts';
import { PyBytes, PyList, PyTuple, asStr, typeName, type PyValue } from '../value.ts';
import { toArray } from '../iter.ts';
import { methodTable, type Method } from './table.ts';

/** Data attributes (not methods) of numbers. */
export function numberAttribute(v: bigint | number, name: string): PyValue | undefined {
  switch (name) {
    case 'real':
      return v;
    case 'imag':
      return typeof v === 'bigint' ? 0n : 0.0;
    case 'numerator':
      return typeof v === 'bigint' ? v : undefined;
    case 'denominator':
      return typeof v === 'bigint' ? 1n : undefined;
  }
  return undefined;
}

function floatRatio(x: number): [bigint, bigint] {
  if (Number.isNaN(x)) throw valueError('cannot convert NaN to integer ratio');
  if (!Number.isFinite(x)) throw overflowError('cannot convert Infinity to integer ratio');
  let den = 1n;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    den *= 2n;
  }
  return [floatToInt(m), den];
}

function floatHex(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  x = Math.abs(x);
  if (x === 0) return sign + '0x0.0p+0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  let exp = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let lead = '1';
  if (exp === 0) {
    lead = '0';
    exp = -1022;
  } else exp -= 1023;
  const frac = mant.toString(16).padStart(13, '0');
  return `${sign}0x${lead}.${frac}p${exp >= 0 ? '+' : ''}${exp}`;
}

const intMethods: Record<string, Method<bigint>> = {
  as_integer_ratio: (n, a, k) => (noArgs('int.as_integer_ratio', a, k), new PyTuple([n, 1n])),
  bit_count: (n, a, k) => {
    noArgs('int.bit_count', a, k);
    return BigInt((n < 0n ? -n : n).toString(2).replace(/0/g, '').length);
  },
  bit_length: (n, a, k) => {
    noArgs('int.bit_length', a, k);
    return n === 0n ? 0n : BigInt((n < 0n ? -n : n).toString(2).length);
  },
  conjugate: (n, a, k) => (noArgs('int.conjugate', a, k), n),
  to_bytes: (n, a, k) => {
    const [lenV, orderV, signed] = bind({ name: 'to_bytes', params: ['length', 'byteorder'], required: 0, keywordOnly: ['signed'] }, a, k);
    const length = lenV === undefined ? 1 : Number(intArg(lenV));
    const order = orderV === undefined ? 'big' : asStr(orderV);
    if (order !== 'big' && order !== 'little') throw valueError("byteorder must be either 'little' or 'big'");
    let v = n;
    if (v < 0n) {
      if (signed !== true) throw overflowError("can't convert negative int to unsigned");
      v += 1n << BigInt(8 * length);
    }
    const out = new Uint8Array(length);
    for (let i = length - 1; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    if (v !== 0n || (signed === true && n >= 0n && length > 0 && out[0]! >= 0x80)) {
      throw overflowError('int too big to convert');
    }
    if (order === 'little') out.reverse();
    return new PyBytes(out);
  },
};

const floatMethods: Record<string, Method<number>> = {
  as_integer_ratio: (x, a, k) => {
    noArgs('float.as_integer_ratio', a, k);
    const [num, den] = floatRatio(x);
    return new PyTuple([num, den]);
  },
  conjugate: (x, a, k) => (noArgs('float.conjugate', a, k), x),
  hex: (x, a, k) => (noArgs('float.hex', a, k), floatHex(x)),
  is_integer: (x, a, k) => (noArgs('float.is_integer', a, k), Number.isInteger(x)),
};

function bytesArg(v: PyValue, what: string): PyBytes {
  if (v instanceof PyBytes) return v;
  throw new PyException('TypeError', `${what}${typeName(v)}`);
}

/** A bytes argument of bytes.join/count/find: bytes, or TypeError. */
function bytesLike(v: PyValue, message: (t: string) => string): string {
  if (v instanceof PyBytes) return v.toLatin1();
  throw new PyException('TypeError', message(typeName(v)));
}

const bytesMethods: Record<string, Method<PyBytes>> = {
  count: (b, a, k) => {
    const [sub] = bind({ name: 'count', params: ['sub'], positionalOnly: true }, a, k);
    const s = typeof sub === 'bigint' ? String.fromCharCode(Number(sub)) : bytesLike(sub!, (t) => `argument should be integer or bytes-like object, not '${t}'`);
    const text = b.toLatin1();
    return BigInt(s === '' ? text.length + 1 : text.split(s).length - 1);
  },
  find: (b, a, k) => {
    const [sub] = bind({ name: 'find', params: ['sub'], positionalOnly: true }, a, k);
    const s = typeof sub === 'bigint' ? String.fromCharCode(Number(sub)) : bytesLike(sub!, (t) => `argument should be integer or bytes-like object, not '${t}'`);
    return BigInt(b.toLatin1().indexOf(s));
  },
  join: (b, a, k) => {
    const [it] = bind({ name: 'join', params: ['iterable_of_bytes'], positionalOnly: true }, a, k);
    const parts = toArray(it!).map((x, i) => bytesLike(x, (t) => `sequence item ${i}: expected a bytes-like object, ${t} found`));
    return PyBytes.fromLatin1(parts.join(b.toLatin1()));
  },
  replace: (b, a, k) => {
    const [o, n] = bind({ name: 'replace', params: ['old', 'new'], positionalOnly: true, clinic: true }, a, k);
    const old = bytesLike(o!, (t) => `a bytes-like object is required, not '${t}'`);
    const nw = bytesLike(n!, (t) => `a bytes-like object is required, not '${t}'`);
    return PyBytes.fromLatin1(b.toLatin1().split(old).join(nw));
  },
  decode: (b, a, k) => {
    const [enc, errors] = bind({ name: 'decode', params: ['encoding', 'errors'], required: 0 }, a, k);
    return decodeBytes(b, enc === undefined ? 'utf-8' : asStr(enc) ?? 'utf-8', errors === undefined ? 'strict' : asStr(errors) ?? 'strict');
  },
  endswith: (b, a, k) => {
    const [s] = bind({ name: 'endswith', params: ['suffix'], positionalOnly: true }, a, k);
    return b.toLatin1().endsWith(bytesArg(s!, 'endswith first arg must be bytes or a tuple of bytes, not ').toLatin1());
  },
  hex: (b, a, k) => (noArgs('bytes.hex', a, k), Array.from(b.data, (x) => x.toString(16).padStart(2, '0')).join('')),
  lower: (b, a, k) => (noArgs('bytes.lower', a, k), PyBytes.fromLatin1(b.toLatin1().replace(/[A-Z]+/g, (m) => m.toLowerCase()))),
  startswith: (b, a, k) => {
    const [s] = bind({ name: 'startswith', params: ['prefix'], positionalOnly: true }, a, k);
    return b.toLatin1().startsWith(bytesArg(s!, 'startswith first arg must be bytes or a tuple of bytes, not ').toLatin1());
  },
  split: (b, a, k) => {
    const [sep] = bind({ name: 'split', params: ['sep'], required: 0 }, a, k);
    const text = b.toLatin1();
    const parts = sep === undefined || sep === null
      ? text.split(/[ \t\n\r\x0b\x0c]+/).filter((p) => p !== '')
      : text.split(bytesArg(sep, '').toLatin1());
    return new PyList(parts.map((p) => PyBytes.fromLatin1(p)));
  },
  strip: (b, a, k) => (noArgs('bytes.strip', a, k), PyBytes.fromLatin1(b.toLatin1().replace(/^[ \t\n\r\x0b\x0c]+|[ \t\n\r\x0b\x0c]+$/g, ''))),
  upper: (b, a, k) => (noArgs('bytes.upper', a, k), PyBytes.fromLatin1(b.toLatin1().replace(/[a-z]+/g, (m) => m.toUpperCase()))),
};

export const intMethodTable = methodTable(intMethods);
export const floatMethodTable = methodTable(floatMethods);
export const bytesMethodTable = methodTable(bytesMethods);
