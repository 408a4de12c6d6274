// Float to text as CPython does it: repr() is the shortest string that reads
// back to the same double (JavaScript computes the same digits, Python lays
// them out differently), and fixed/exponent/general formatting rounds the
// exact binary value half-to-even (JavaScript's toFixed rounds ties up).

/** Decimal digits and the position of the decimal point: value = 0.DIGITS × 10**point. */
export interface Decimal {
  digits: string; // no leading zeros; '' for zero
  point: number;
}

/** The shortest round-tripping digits of a finite, non-zero |x|. */
export function shortestDigits(x: number): Decimal {
  const [mant, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  return { digits, point: Number(exp) + 1 };
}

/** The exact decimal expansion of a finite |x|. */
export function exactDigits(x: number): Decimal {
  x = Math.abs(x);
  if (x === 0) return { digits: '', point: 0 };
  // x = m * 2**e with m an integer < 2**53
  let e = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  const big = BigInt(m);
  let s: string;
  let point: number;
  if (e === 0) {
    s = big.toString();
    point = s.length;
  } else {
    // m / 2**k = m * 5**k / 10**k
    const k = -e;
    s = (big * 5n ** BigInt(k)).toString();
    point = s.length - k;
  }
  const stripped = s.replace(/0+$/, '');
  const lead = stripped.length - stripped.replace(/^0+/, '').length;
  return { digits: stripped.slice(lead), point: point - lead };
}

/**
 * Rounds a decimal to keep digits before index `keep` (may be <= 0),
 * half to even. Returns the new decimal (point may grow by one on carry).
 */
export function roundDigits(d: Decimal, keep: number): Decimal {
  if (keep >= d.digits.length) return d;
  if (keep < 0) return { digits: '', point: d.point };
  const head = d.digits.slice(0, keep);
  const next = d.digits.charCodeAt(keep) - 48;
  const restNonZero = /[1-9]/.test(d.digits.slice(keep + 1));
  let up = false;
  if (next > 5 || (next === 5 && restNonZero)) up = true;
  else if (next === 5) {
    const last = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
    up = last % 2 === 1;
  }
  if (!up) {
    const h = head.replace(/0+$/, '');
    return h === '' ? { digits: '', point: d.point } : { digits: h, point: d.point };
  }
  // add one unit at the last kept position
  const arr = head.split('').map((c) => c.charCodeAt(0) - 48);
  let i = arr.length - 1;
  while (i >= 0) {
    if (arr[i]! < 9) {
      arr[i]!++;
      break;
    }
    arr[i] = 0;
    i--;
  }
  let point = d.point;
  if (i < 0) {
    arr.unshift(1);
    point++;
  }
  const digits = arr.join('').replace(/0+$/, '');
  return { digits, point };
}

/** Digits of the integer part and of `prec` decimals, as strings. */
function fixedParts(d: Decimal, prec: number): [string, string] {
  const r = roundDigits(d, d.point + prec);
  const all = r.digits;
  let intPart: string;
  let frac: string;
  if (r.point <= 0) {
    intPart = '0';
    frac = '0'.repeat(-r.point) + all;
  } else {
    intPart = all.slice(0, r.point).padEnd(r.point, '0');
    frac = all.slice(r.point);
  }
  if (intPart === '' || all === '') intPart = intPart.replace(/^0+(?=\d)/, '') || '0';
  frac = frac.padEnd(prec, '0').slice(0, prec);
  return [intPart, frac];
}

/** `'%.{prec}f'` of |x| without sign (finite x). */
export function formatFixed(x: number, prec: number, alternate = false): string {
  const [i, f] = fixedParts(exactDigits(x), prec);
  return prec > 0 ? `${i}.${f}` : alternate ? `${i}.` : i;
}

/** `'%.{prec}e'` of |x| without sign (finite x). */
export function formatExponent(x: number, prec: number, alternate = false, upper = false): string {
  const d = exactDigits(x);
  let mant: string;
  let exp: number;
  if (d.digits === '') {
    mant = '0'.repeat(prec + 1);
    exp = 0;
  } else {
    const r = roundDigits(d, prec + 1);
    mant = r.digits.padEnd(prec + 1, '0');
    exp = r.point - 1;
  }
  const body = prec > 0 || alternate ? `${mant[0]}.${mant.slice(1)}` : mant[0]!;
  return body + (upper ? 'E' : 'e') + expSuffix(exp);
}

function expSuffix(exp: number): string {
  const a = Math.abs(exp);
  return (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

/** `'%.{prec}g'` of |x| without sign (finite x). Trailing zeros removed unless alternate. */
export function formatGeneral(x: number, prec: number, alternate = false, upper = false): string {
  if (prec === 0) prec = 1;
  const d = exactDigits(x);
  let exp: number;
  let digits: string;
  if (d.digits === '') {
    exp = 0;
    digits = '';
  } else {
    const r = roundDigits(d, prec);
    exp = r.point - 1;
    digits = r.digits;
  }
  if (exp < -4 || exp >= prec) {
    let mant = digits.padEnd(alternate ? prec : 1, '0');
    if (mant === '') mant = '0';
    const body = mant.length > 1 || alternate ? `${mant[0]}.${mant.slice(1)}` : mant;
    return body + (upper ? 'E' : 'e') + expSuffix(exp);
  }
  // fixed with prec significant digits
  const decimals = Math.max(prec - 1 - exp, 0);
  let s = formatFixed(x, decimals, alternate);
  if (!alternate && s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

/** repr(float) / str(float) */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const { digits, point } = shortestDigits(x);
  const exp = point - 1;
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return sign + mant + 'e' + expSuffix(exp);
  }
  if (point <= 0) return sign + '0.' + '0'.repeat(-point) + digits;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length) + '.0';
  return sign + digits.slice(0, point) + '.' + digits.slice(point);
}

/**
 * format(x, '.N'): a precision and no presentation type. Like 'g', but a
 * result in fixed notation keeps at least one digit after the point.
 */
export function formatNoTypeWithPrecision(x: number, prec: number): string {
  const s = formatGeneral(x, prec, false);
  if (/[e.]/.test(s) || !Number.isFinite(x)) return s;
  return s + '.0';
}

/** round(x, ndigits) for floats: correctly rounded through the decimal expansion. */
export function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > 330) return x;
  if (ndigits < -330) return 0 * x;
  const d = exactDigits(x);
  const r = roundDigits(d, d.point + ndigits);
  if (r.digits === '') return x < 0 ? -0 : 0;
  const text = `0.${r.digits}e${r.point}`;
  const v = Number(text);
  return x < 0 ? -v : v;
}
