// Backslash escapes of Python string literals (and of the unicode_escape
// codec Jinja2 applies to its string literals): \n \t \\ \' \" \a \b \f \v
// \r, \ooo, \xhh, \uXXXX, \UXXXXXXXX, backslash-newline; unknown escapes
// keep their backslash.

export class EscapeError extends Error {
  constructor(
    message: string,
    /** Index of the offending backslash in the body. */
    readonly index: number,
  ) {
    super(message);
  }
}

const SIMPLE: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Decodes the escapes of a literal's body. For bytes, \u, \U and \N are not
 * escapes and the result holds one char per byte.
 */
export function decodeEscapes(body: string, bytes = false): string {
  if (!body.includes('\\')) return body;
  let out = '';
  let i = 0;
  const n = body.length;
  while (i < n) {
    const bs = body.indexOf('\\', i);
    if (bs < 0) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, bs);
    i = bs + 1;
    if (i >= n) throw new EscapeError('\\ at end of string', bs);
    const c = body[i]!;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    if (c >= '0' && c <= '7') {
      let j = i;
      while (j < n && j < i + 3 && body[j]! >= '0' && body[j]! <= '7') j++;
      const code = parseInt(body.slice(i, j), 8);
      if (bytes) out += String.fromCharCode(code & 0xff);
      else out += String.fromCodePoint(code);
      i = j;
      continue;
    }
    if (c === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new EscapeError(`truncated \\xXX escape`, bs);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 3;
      continue;
    }
    if (!bytes && (c === 'u' || c === 'U')) {
      const len = c === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
        throw new EscapeError(`truncated \\${c}${'X'.repeat(len)} escape`, bs);
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new EscapeError('illegal Unicode character', bs);
      out += String.fromCodePoint(cp);
      i += 1 + len;
      continue;
    }
    if (!bytes && c === 'N') {
      throw new EscapeError('\\N{...} escapes are not supported', bs);
    }
    // unknown escape: kept as written
    out += '\\' + c;
    i++;
  }
  return out;
}
