// Python strings are sequences of code points, JavaScript strings of UTF-16
// units. The two agree unless a string holds a character outside the BMP
// (an emoji); these helpers take the fast path when it does not.

const SURROGATE = /[\ud800-\udfff]/;

export function hasAstral(s: string): boolean {
  return SURROGATE.test(s);
}

/** len(s) */
export function strLen(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The code points of s, as one-character strings. */
export function codePoints(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

/** UTF-16 offset of the code point at index cp (cp may equal the length). */
export function unitOffset(s: string, cp: number): number {
  if (!SURROGATE.test(s)) return cp;
  let i = 0;
  let n = 0;
  while (n < cp && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    n++;
  }
  return i;
}

/** Code-point index of a UTF-16 offset. */
export function cpIndex(s: string, unit: number): number {
  if (!SURROGATE.test(s)) return unit;
  return strLen(s.slice(0, unit));
}

/** s[start:stop] in code points, bounds already clamped and start <= stop. */
export function cpSlice(s: string, start: number, stop: number): string {
  if (!SURROGATE.test(s)) return s.slice(start, stop);
  return s.slice(unitOffset(s, start), unitOffset(s, stop));
}

/** The code point at index i (0 <= i < len). */
export function cpAt(s: string, i: number): string {
  if (!SURROGATE.test(s)) return s.charAt(i);
  const u = unitOffset(s, i);
  return String.fromCodePoint(s.codePointAt(u)!);
}
