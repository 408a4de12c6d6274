// Tokens of a Python expression: names, numbers, string literals (all
// prefixes, triple quotes, escapes), operators. Newlines inside brackets
// and after a backslash are whitespace, as in Python source.

import { PySyntaxError } from '../exceptions.ts';
import { EscapeError, decodeEscapes } from '../escapes.ts';
import { parseIntText } from '../numbers.ts';
import { PyBytes, type PyValue } from '../value.ts';

export type TokenType = 'name' | 'number' | 'string' | 'op' | 'newline' | 'end';

export interface Token {
  type: TokenType;
  text: string;
  /** 0-based offset in the source. */
  pos: number;
  /** The value of a number or string literal. */
  value?: PyValue;
}

const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...', '->', ':=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=',
  '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':',
  '.', ';', '=',
];

const NAME_RE = /[\p{XID_Start}_][\p{XID_Continue}]*/uy;
const STRING_START = /([rRbBuUfF]{0,2})('''|"""|'|")/y;
const NUMBER_RE =
  /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?|\d(?:_?\d)*\.?(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/y;

export function syntaxError(source: string, pos: number, message: string): PySyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return new PySyntaxError(message, source, pos - lineStart, line);
}

function readString(source: string, pos: number, prefix: string, quote: string): Token {
  const p = prefix.toLowerCase();
  if (!/^(?:|r|u|b|br|rb|f|fr|rf)$/.test(p)) throw syntaxError(source, pos, 'invalid syntax');
  if (p.includes('f')) throw syntaxError(source, pos, 'f-strings are not supported');
  const raw = p.includes('r');
  const isBytes = p.includes('b');
  const bodyStart = pos + prefix.length + quote.length;
  let i = bodyStart;
  const triple = quote.length === 3;
  for (;;) {
    if (i >= source.length) {
      throw syntaxError(
        source,
        pos,
        triple ? 'unterminated triple-quoted string literal (detected at line 1)' : 'unterminated string literal (detected at line 1)',
      );
    }
    const c = source[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (!triple && c === '\n') {
      throw syntaxError(source, pos, 'unterminated string literal (detected at line 1)');
    }
    if (source.startsWith(quote, i)) break;
    i++;
  }
  const body = source.slice(bodyStart, i);
  const end = i + quote.length;
  let text: string;
  if (raw) text = body;
  else {
    try {
      text = decodeEscapes(body, isBytes);
    } catch (e) {
      if (e instanceof EscapeError) {
        const kind = isBytes ? 'bytes' : 'unicode';
        throw syntaxError(source, pos, `(${kind} error) '${kind === 'bytes' ? 'unicodeescape' : 'unicodeescape'}' codec can't decode bytes in position ${e.index}-${e.index + 1}: ${e.message}`);
      }
      throw e;
    }
  }
  if (isBytes) {
    if (/[^\x00-\x7f]/.test(body)) throw syntaxError(source, pos, 'bytes can only contain ASCII literal characters');
    return { type: 'string', text: source.slice(pos, end), pos, value: PyBytes.fromLatin1(text) };
  }
  return { type: 'string', text: source.slice(pos, end), pos, value: text };
}

function readNumber(source: string, pos: number): Token {
  NUMBER_RE.lastIndex = pos;
  const m = NUMBER_RE.exec(source)!;
  const text = m[0];
  const end = pos + text.length;
  // a number directly followed by a name character is an invalid literal
  NAME_RE.lastIndex = end;
  if (NAME_RE.exec(source)) throw syntaxError(source, pos, 'invalid decimal literal');
  if (/[jJ]$/.test(text)) throw syntaxError(source, pos, 'complex numbers are not supported');
  let value: PyValue;
  if (/^0[xXoObB]/.test(text)) value = parseIntText(text, 0);
  else if (/[.eE]/.test(text)) value = Number(text.replace(/_/g, ''));
  else {
    if (/^0+[_0]*[1-9]/.test(text)) {
      throw syntaxError(
        source,
        pos,
        'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
      );
    }
    value = BigInt(text.replace(/_/g, ''));
  }
  return { type: 'number', text, pos, value };
}

/** The brackets open at once that Python's tokenizer accepts (Parser/tokenizer.c MAXLEVEL). */
const MAX_NESTING = 200;

/** Splits an expression into tokens; the last one has type 'end'. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\f' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      i += source[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '\n') {
      if (depth === 0) tokens.push({ type: 'newline', text: '\n', pos: i });
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    STRING_START.lastIndex = i;
    const sm = STRING_START.exec(source);
    if (sm) {
      const tok = readString(source, i, sm[1]!, sm[2]!);
      tokens.push(tok);
      i += tok.text.length;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && source[i + 1]! >= '0' && source[i + 1]! <= '9')) {
      const tok = readNumber(source, i);
      tokens.push(tok);
      i += tok.text.length;
      continue;
    }
    NAME_RE.lastIndex = i;
    const nm = NAME_RE.exec(source);
    if (nm) {
      tokens.push({ type: 'name', text: nm[0], pos: i });
      i += nm[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      if (op === '(' || op === '[' || op === '{') {
        // CPython's tokenizer stops at MAXLEVEL (200) open brackets
        if (++depth >= MAX_NESTING) throw syntaxError(source, i, 'too many nested parentheses');
      }
      else if (op === ')' || op === ']' || op === '}') depth = Math.max(0, depth - 1);
      tokens.push({ type: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    if (c === '!') throw syntaxError(source, i, 'invalid syntax');
    throw syntaxError(source, i, `invalid character '${String.fromCodePoint(source.codePointAt(i)!)}' (U+${source.codePointAt(i)!.toString(16).toUpperCase().padStart(4, '0')})`);
  }
  tokens.push({ type: 'end', text: '', pos: n });
  return tokens;
}
