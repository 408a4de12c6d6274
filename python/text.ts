// Python's notion of whitespace and the str/textwrap operations buildout
// applies to configuration text. JavaScript's trim() and \s use another set
// (they include U+FEFF, exclude U+001C..U+001F and U+0085), so every strip
// that must agree with buildout goes through here.

/** The characters for which Python's str.isspace() is true. */
export const PY_WHITESPACE =
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005' +
  '\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** PY_WHITESPACE as the body of a regular-expression character class. */
export const PY_WS_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const wsCodes = new Set<number>();
for (let i = 0; i < PY_WHITESPACE.length; i++) wsCodes.add(PY_WHITESPACE.charCodeAt(i));
/** The same for code units below 128, as a table: a strip looks at every character of every value, mostly ASCII. */
const asciiWs = new Uint8Array(128);
for (const c of wsCodes) if (c < 128) asciiWs[c] = 1;

export function isPySpaceCode(code: number): boolean {
  return code < 128 ? asciiWs[code] === 1 : wsCodes.has(code);
}

export function pyStrip(s: string): string {
  return pyRstrip(pyLstrip(s));
}

export function pyLstrip(s: string): string {
  let i = 0;
  while (i < s.length && isPySpaceCode(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

export function pyRstrip(s: string): string {
  let j = s.length;
  while (j > 0 && isPySpaceCode(s.charCodeAt(j - 1))) j--;
  return j === s.length ? s : s.slice(0, j);
}

/** str.rstrip(chars) / str.lstrip(chars) with an explicit character set. */
export function pyRstripChars(s: string, chars: string): string {
  let j = s.length;
  while (j > 0 && chars.includes(s[j - 1]!)) j--;
  return s.slice(0, j);
}

/** str.split() with no separator: runs of whitespace, no empty items. */
export function pySplitWhitespace(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && isPySpaceCode(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isPySpaceCode(s.charCodeAt(i))) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

/**
 * textwrap.dedent (Python 3.11): lines made only of spaces and tabs are
 * emptied, then the longest common prefix of spaces and tabs of the other
 * lines is removed. Other whitespace characters do not count as indentation.
 */
export function dedent(text: string): string {
  const lines = text.split('\n');
  let margin: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let k = 0;
    while (k < line.length && (line[k] === ' ' || line[k] === '\t')) k++;
    if (k === line.length) {
      // whitespace-only (or empty): emptied, and ignored for the margin
      lines[i] = '';
      continue;
    }
    const indent = line.slice(0, k);
    if (margin === null) margin = indent;
    else if (indent.startsWith(margin)) {
      // margin stays
    } else if (margin.startsWith(indent)) margin = indent;
    else {
      let c = 0;
      while (c < margin.length && c < indent.length && margin[c] === indent[c]) c++;
      margin = margin.slice(0, c);
    }
  }
  if (margin) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.startsWith(margin)) lines[i] = lines[i]!.slice(margin.length);
    }
  }
  return lines.join('\n');
}

/**
 * re.sub(r"^(\s*\n)+", "", text): drop the longest leading run of
 * whitespace that ends with a newline.
 */
export function removeLeadingBlankLines(text: string): string {
  let lastNewline = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isPySpaceCode(c)) break;
    if (c === 10) lastNewline = i;
  }
  return lastNewline < 0 ? text : text.slice(lastNewline + 1);
}

/** str.splitlines(keepends): the line boundaries Python recognises. */
export function pySplitLines(s: string, keepends = false): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      c === 10 || c === 13 || c === 11 || c === 12 || c === 0x1c || c === 0x1d || c === 0x1e ||
      c === 0x85 || c === 0x2028 || c === 0x2029
    ) {
      const end = i;
      if (c === 13 && s.charCodeAt(i + 1) === 10) i++;
      out.push(s.slice(start, keepends ? i + 1 : end));
      start = i + 1;
    }
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}
