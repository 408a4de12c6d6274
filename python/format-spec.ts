// format(value, spec): Python's format specification mini-language
// ([[fill]align][sign][z][#][0][width][grouping][.precision][type]) for str,
// int, bool and float, as used by str.format and the format() builtin.

import { PyException, valueError } from './exceptions.ts';
import { formatExponent, formatFixed, formatGeneral, floatRepr, formatNoTypeWithPrecision } from './float-format.ts';
import { intToFloat } from './numbers.ts';
import { str } from './repr.ts';
import { strLen, cpSlice } from './codepoints.ts';
import { PyObject, typeName, type PyValue } from './value.ts';

interface Spec {
  fill: string;
  align: string; // '' when not given
  sign: string;
  z: boolean;
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number; // -1 when not given
  type: string;
}

const SPEC_RE = /^(?:([\s\S])?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([\s\S])?$/u;

function parseSpec(spec: string): Spec {
  const m = SPEC_RE.exec(spec);
  if (!m) {
    if (/\.(?:[^\d]|$)/.test(spec)) throw valueError('Format specifier missing precision');
    throw valueError('Invalid format specifier');
  }
  const [, fill, align, sign, z, alt, zero, width, grouping, precision, type] = m;
  if (type === '.') throw valueError('Format specifier missing precision');
  return {
    fill: fill ?? '',
    align: align ?? '',
    sign: sign ?? '',
    z: z !== undefined,
    alternate: alt !== undefined,
    zero: zero !== undefined,
    width: width ? Number(width) : -1,
    grouping: grouping ?? '',
    precision: precision !== undefined ? Number(precision) : -1,
    type: type ?? '',
  };
}

/**
 * The fill and alignment in effect: a '0' before the width means fill '0'
 * (when no fill is given) and, for numbers, '=' (when no alignment is given).
 */
function effective(s: Spec, numeric: boolean): { fill: string; align: string } {
  const fill = s.fill || (s.zero ? '0' : ' ');
  const align = s.align || (s.zero && numeric ? '=' : numeric ? '>' : '<');
  return { fill, align };
}

/** Pads `body` to the width; with '=', the padding goes after `signLen` characters. */
function pad(body: string, s: Spec, numeric: boolean, signLen = 0): string {
  const len = strLen(body);
  if (s.width <= len) return body;
  const { fill, align } = effective(s, numeric);
  const n = s.width - len;
  switch (align) {
    case '<':
      return body + fill.repeat(n);
    case '>':
      return fill.repeat(n) + body;
    case '^': {
      const left = Math.floor(n / 2);
      return fill.repeat(left) + body + fill.repeat(n - left);
    }
    default:
      return body.slice(0, signLen) + fill.repeat(n) + body.slice(signLen);
  }
}

function group(digits: string, sep: string, every: number): string {
  if (!sep) return digits;
  let out = '';
  let i = digits.length;
  while (i > every) {
    out = sep + digits.slice(i - every, i) + out;
    i -= every;
  }
  return digits.slice(0, i) + out;
}

/**
 * Lays out a number: sign, prefix, grouped integer digits, the rest
 * (fraction, exponent, suffix). Zero padding with '=' goes inside the
 * grouping, as CPython does.
 */
function layoutNumber(
  negative: boolean,
  prefix: string,
  intDigits: string,
  rest: string,
  s: Spec,
  every: number,
): string {
  const sign = negative ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  const lead = sign + prefix;
  const { fill, align } = effective(s, true);
  if (fill === '0' && align === '=' && s.width > 0 && /^\d+$/.test(intDigits)) {
    // widen the digits with zeros so that the grouped result fills the width
    const target = s.width - lead.length - rest.length;
    let digits = intDigits;
    let grouped = group(digits, s.grouping, every);
    while (grouped.length < target) {
      digits = '0' + digits;
      grouped = group(digits, s.grouping, every);
    }
    // a separator may not lead: CPython adds one more zero instead
    if (grouped.startsWith(s.grouping) && s.grouping) grouped = '0' + grouped;
    return lead + grouped + rest;
  }
  return pad(lead + group(intDigits, s.grouping, every) + rest, s, true, lead.length);
}

function formatStr(v: string, s: Spec): string {
  if (s.type !== '' && s.type !== 's') {
    throw valueError(`Unknown format code '${s.type}' for object of type 'str'`);
  }
  if (s.sign) throw valueError('Sign not allowed in string format specifier');
  if (s.alternate) throw valueError('Alternate form (#) not allowed in string format specifier');
  if (s.align === '=') throw valueError("'=' alignment not allowed in string format specifier");
  if (s.grouping) throw valueError(`Cannot specify '${s.grouping}' with 's'.`);
  let body = v;
  if (s.precision >= 0 && strLen(v) > s.precision) body = cpSlice(v, 0, s.precision);
  return pad(body, s, false);
}

function formatInt(n: bigint, s: Spec, typeLabel: string): string {
  const t = s.type || 'd';
  if ('eEfFgG%'.includes(t)) return formatFloat(intToFloat(n), s, typeLabel);
  if (!'bcdoxXn'.includes(t)) throw valueError(`Unknown format code '${t}' for object of type '${typeLabel}'`);
  if (s.precision >= 0) throw valueError('Precision not allowed in integer format specifier');
  if (s.z) throw valueError('Negative zero coercion (z) not allowed in integer format specifier');
  if (s.grouping === ',' && t !== 'd') throw valueError(`Cannot specify ',' with '${t}'.`);
  if (s.grouping === '_' && !'bdoxX'.includes(t)) throw valueError(`Cannot specify '_' with '${t}'.`);
  if (t === 'c') {
    if (s.sign) throw valueError("Sign not allowed with integer format specifier 'c'");
    if (n < 0n || n > 0x10ffffn) throw new PyException('OverflowError', '%c arg not in range(0x110000)');
    return pad(String.fromCodePoint(Number(n)), s, true);
  }
  const neg = n < 0n;
  const a = neg ? -n : n;
  const radix = t === 'b' ? 2 : t === 'o' ? 8 : t === 'x' || t === 'X' ? 16 : 10;
  const digits = t === 'X' ? a.toString(16).toUpperCase() : a.toString(radix);
  if (radix === 10) return layoutNumber(neg, '', digits, '', s, 3);
  // the prefix is '0' and the type letter (0b, 0o, 0x, 0X); these group by 4 digits
  return layoutNumber(neg, s.alternate ? '0' + t : '', digits, '', s, 4);
}

function formatFloat(x: number, s: Spec, typeLabel: string): string {
  const t = s.type;
  if (!'eEfFgGn%'.includes(t)) throw valueError(`Unknown format code '${t}' for object of type '${typeLabel}'`);
  if (s.grouping && t === 'n') throw valueError(`Cannot specify '${s.grouping}' with 'n'.`);
  let neg = x < 0 || Object.is(x, -0);
  let a = Math.abs(x);
  if (t === '%') a *= 100;
  const prec = s.precision >= 0 ? s.precision : 6;
  let body: string;
  if (Number.isNaN(x)) {
    neg = false;
    body = 'nan';
  } else if (!Number.isFinite(a)) body = 'inf';
  else if (t === '') {
    body = s.precision >= 0 ? formatNoTypeWithPrecision(a, s.precision) : floatRepr(a);
    if (s.alternate && !body.includes('.') && !body.includes('e')) body += '.';
  } else if (t === 'f' || t === 'F' || t === '%') body = formatFixed(a, prec, s.alternate);
  else if (t === 'e' || t === 'E') body = formatExponent(a, prec, s.alternate, t === 'E');
  else body = formatGeneral(a, s.precision >= 0 ? s.precision : 6, s.alternate, t === 'G');
  if (t === 'F' || t === 'E' || t === 'G') body = body.toUpperCase();
  if (s.z && neg && !/[1-9]/.test(body.replace(/e.*$/i, ''))) neg = false;
  const suffix = t === '%' ? '%' : '';
  // split the integer digits from the rest for grouping and zero padding
  const m = /^(\d*)([\s\S]*)$/.exec(body)!;
  if (!Number.isFinite(a) || Number.isNaN(x)) {
    // nan and inf are padded with the fill but never grouped
    const sign = neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
    return pad(sign + body + suffix, s, true, sign.length);
  }
  return layoutNumber(neg, '', m[1]!, m[2]! + suffix, s, 3);
}

/** format(value, spec) for the built-in types; objects with no spec give str(). */
export function formatValue(v: PyValue, spec: string): string {
  if (typeof v === 'string') return spec === '' ? v : formatStr(v, parseSpec(spec));
  if (typeof v === 'boolean') {
    if (spec === '') return v ? 'True' : 'False';
    return formatInt(v ? 1n : 0n, parseSpec(spec), 'bool');
  }
  if (typeof v === 'bigint') return spec === '' ? v.toString() : formatInt(v, parseSpec(spec), 'int');
  if (typeof v === 'number') return spec === '' ? floatRepr(v) : formatFloat(v, parseSpec(spec), 'float');
  if (v instanceof PyObject) {
    const custom = (v as PyObject & { pyFormat?: (spec: string) => string }).pyFormat;
    if (custom) return custom.call(v, spec);
  }
  if (spec !== '') {
    throw new PyException('TypeError', `unsupported format string passed to ${typeName(v)}.__format__`);
  }
  return str(v);
}
