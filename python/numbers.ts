// Integer and float arithmetic with Python's rules: floor division and
// modulo take the sign of the divisor, int/int is a float, and the
// conversions int() and float() accept what CPython accepts.

import { PyException, overflowError, valueError, zeroDivision } from './exceptions.ts';
import { strRepr } from './repr.ts';
import { pyStrip } from './text.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** float(int), raising OverflowError like CPython for huge ints. */
export function intToFloat(n: bigint): number {
  if (n <= MAX_SAFE && n >= -MAX_SAFE) return Number(n);
  // Number(bigint) rounds to nearest, ties to even: the same as CPython
  const f = Number(n);
  if (!Number.isFinite(f)) throw overflowError('int too large to convert to float');
  return f;
}

export function floorDivInt(a: bigint, b: bigint): bigint {
  if (b === 0n) throw zeroDivision('integer division or modulo by zero');
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function modInt(a: bigint, b: bigint, what = 'integer modulo by zero'): bigint {
  if (b === 0n) throw zeroDivision(what);
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** Python's float divmod: [floordiv, mod]. */
export function divmodFloat(vx: number, wx: number, what: string): [number, number] {
  if (wx === 0) throw zeroDivision(what);
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = wx < 0 || Object.is(wx, -0) ? -0 : 0;
  }
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    const sign = vx / wx;
    floordiv = sign < 0 || Object.is(sign, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

/** int / int, correctly rounded like CPython. */
export function trueDivInt(a: bigint, b: bigint): number {
  if (b === 0n) throw zeroDivision('division by zero');
  if (a <= MAX_SAFE && a >= -MAX_SAFE && b <= MAX_SAFE && b >= -MAX_SAFE) return Number(a) / Number(b);
  const neg = a < 0n !== b < 0n;
  let x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  if (x === 0n) return neg ? -0 : 0;
  // scale so that the quotient has at least 66 significant bits, then
  // round once (the remainder is folded into a sticky bit)
  const shift = BigInt(Math.max(0, 66 - (x.toString(2).length - y.toString(2).length)));
  x <<= shift;
  let q = x / y;
  if (x % y !== 0n) q |= 1n;
  const qf = Number(q); // q is exact enough that one rounding remains
  const r = qf / 2 ** Number(shift);
  if (!Number.isFinite(r)) throw overflowError('integer division result too large for a float');
  return neg ? -r : r;
}

/** int ** int */
/** The largest integer tsbuildout computes, in bits (as `<<` refuses larger shifts): 9**9**9**9 would take minutes and gigabytes. */
export const MAX_INT_BITS = 1_000_000;

export function powInt(a: bigint, b: bigint): bigint | number {
  if (b < 0n) {
    if (a === 0n) throw zeroDivision('0.0 cannot be raised to a negative power');
    return powFloat(intToFloat(a), intToFloat(b));
  }
  const magnitude = a < 0n ? -a : a;
  if (magnitude > 1n && b > 1n) {
    // at least (bits of a - 1) * b bits
    const bits = BigInt(magnitude.toString(2).length - 1) * b;
    if (bits > BigInt(MAX_INT_BITS)) throw new PyException('OverflowError', 'too many digits in integer');
  }
  return a ** b;
}

export function powFloat(x: number, y: number): number {
  if (x === 0 && y < 0) throw zeroDivision('0.0 cannot be raised to a negative power');
  if (x < 0 && Number.isFinite(x) && !Number.isInteger(y) && Number.isFinite(y)) {
    throw valueError('complex numbers are not supported');
  }
  if (x === 1 || y === 0) return 1; // CPython: 1**nan == 1, nan**0 == 1
  const r = Math.pow(x, y);
  if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) {
    throw overflowError("(34, 'Numerical result out of range')");
  }
  return r;
}

const INT_BODY: Record<number, RegExp> = {};

function digitRegex(base: number): RegExp {
  let re = INT_BODY[base];
  if (!re) {
    const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
    const cls = digits.replace(/[a-z]/g, (c) => c + c.toUpperCase());
    re = new RegExp(`^[${cls}](?:_?[${cls}])*$`);
    INT_BODY[base] = re;
  }
  return re;
}

/** int(text, base) */
export function parseIntText(text: string, base = 10): bigint {
  const fail = () => valueError(`invalid literal for int() with base ${base}: ${strRepr(text)}`);
  if (base !== 0 && (base < 2 || base > 36)) throw valueError('int() base must be >= 2 and <= 36, or 0');
  let s = pyStrip(text);
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  // Unicode decimal digits count as digits
  s = s.replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0)!;
    if (cp < 128) return d;
    return String(unicodeDigitValue(cp));
  });
  let b = base;
  const prefix = /^0([xob])_?/i.exec(s);
  if (base === 0) {
    if (prefix) {
      b = { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x' | 'o' | 'b'];
      s = s.slice(prefix[0].length);
    } else {
      b = 10;
      if (/^0+(?:_?0)*$/.test(s)) return 0n;
      if (s.startsWith('0')) throw fail();
    }
  } else if (prefix && { x: 16, o: 8, b: 2 }[prefix[1]!.toLowerCase() as 'x' | 'o' | 'b'] === base) {
    s = s.slice(prefix[0].length);
  }
  if (!digitRegex(b).test(s)) throw fail();
  s = s.replace(/_/g, '').toLowerCase();
  let n: bigint;
  if (b === 10) n = BigInt(s);
  else if (b === 16) n = BigInt('0x' + s);
  else if (b === 8) n = BigInt('0o' + s);
  else if (b === 2) n = BigInt('0b' + s);
  else {
    n = 0n;
    const bb = BigInt(b);
    for (const c of s) n = n * bb + BigInt(parseInt(c, 36));
  }
  return neg ? -n : n;
}

/** The value of a Unicode decimal digit (Nd): digits come in runs of ten. */
function unicodeDigitValue(cp: number): number {
  let v = 0;
  while (v < 9 && /\p{Nd}/u.test(String.fromCodePoint(cp - v - 1))) v++;
  return v;
}

const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*|\d(?:_?\d)*\.)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** float(text) */
export function parseFloatText(text: string): number {
  const s = pyStrip(text);
  const lower = s.toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(lower);
  if (m) {
    const v = m[2] === 'nan' ? NaN : Infinity;
    return m[1] === '-' ? -v : v;
  }
  if (!FLOAT_TEXT.test(s)) throw valueError(`could not convert string to float: ${strRepr(text)}`);
  return Number(s.replace(/_/g, ''));
}

/** int(float): truncates; raises for nan and infinities. */
export function floatToInt(x: number): bigint {
  if (Number.isNaN(x)) throw valueError('cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw overflowError('cannot convert float infinity to integer');
  return BigInt(Math.trunc(x));
}

/** round(x) for floats: half to even, to an int. */
export function roundHalfEven(x: number): bigint {
  if (Number.isNaN(x)) throw valueError('cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw overflowError('cannot convert float infinity to integer');
  const f = Math.floor(x);
  const diff = x - f;
  let r = f;
  if (diff > 0.5) r = f + 1;
  else if (diff === 0.5) r = f % 2 === 0 ? f : f + 1;
  return BigInt(r);
}

/** round(int, ndigits) with negative ndigits: half to even on the decimal. */
export function roundInt(n: bigint, ndigits: bigint): bigint {
  if (ndigits >= 0n) return n;
  const p = 10n ** -ndigits;
  const q = floorDivInt(n, p);
  const r = n - q * p;
  const twice = 2n * r;
  let rounded = q;
  if (twice > p || (twice === p && q % 2n !== 0n)) rounded = q + 1n;
  return rounded * p;
}

export function checkedShift(a: bigint, b: bigint, left: boolean): bigint {
  if (b < 0n) throw valueError('negative shift count');
  if (left) {
    if (a !== 0n && BigInt(a.toString(2).length) + b > BigInt(MAX_INT_BITS)) throw new PyException('OverflowError', 'too many digits in integer');
    return a << b;
  }
  return a >> b;
}
