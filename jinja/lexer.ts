// Jinja2's lexer, rule for rule: the root state finds the next `{{`, `{%`,
// `{#` or `{% raw %}`; the tag states read whitespace, numbers, names,
// strings and operators until their end delimiter. Whitespace control
// (`-`, `+`, trim_blocks, lstrip_blocks) and the trailing-newline rule
// behave as in Jinja2 3.1, and tokens are produced lazily so that a lexing
// error surfaces when the parser reaches it, as in Jinja2.

import { decodeEscapes, EscapeError, parseIntText, PY_WS_CLASS, pyRstrip, type PyValue } from '../python/index.ts';
import { TemplateSyntaxError } from './errors.ts';

export type TokenType =
  | 'add' | 'assign' | 'colon' | 'comma' | 'div' | 'dot' | 'eq' | 'floordiv' | 'gt' | 'gteq'
  | 'lbrace' | 'lbracket' | 'lparen' | 'lt' | 'lteq' | 'mod' | 'mul' | 'ne' | 'pipe' | 'pow'
  | 'rbrace' | 'rbracket' | 'rparen' | 'semicolon' | 'sub' | 'tilde'
  | 'float' | 'integer' | 'name' | 'string' | 'data'
  | 'block_begin' | 'block_end' | 'variable_begin' | 'variable_end' | 'eof' | 'initial';

export interface Token {
  lineno: number;
  /** 1-based column of the token's first character in the (normalised) source. */
  column?: number;
  type: TokenType;
  /** The name, the decoded string, the number, the data text, or the operator. */
  value: PyValue;
}

export interface LexerOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
  /** '\n' (default), '\r\n' or '\r': what newlines in data and strings become. */
  newlineSequence?: string;
}

const OPERATORS: Record<string, TokenType> = {
  '+': 'add', '-': 'sub', '/': 'div', '//': 'floordiv', '*': 'mul', '%': 'mod', '**': 'pow', '~': 'tilde',
  '[': 'lbracket', ']': 'rbracket', '(': 'lparen', ')': 'rparen', '{': 'lbrace', '}': 'rbrace',
  '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gteq', '<': 'lt', '<=': 'lteq', '=': 'assign', '.': 'dot',
  ':': 'colon', '|': 'pipe', ',': 'comma', ';': 'semicolon',
};

const TYPE_DESCRIPTIONS: Record<string, string> = {
  block_begin: 'begin of statement block',
  block_end: 'end of statement block',
  variable_begin: 'begin of print statement',
  variable_end: 'end of print statement',
  data: 'template data / text',
  eof: 'end of template',
};

const REVERSE_OPERATORS: Record<string, string> = Object.fromEntries(Object.entries(OPERATORS).map(([k, v]) => [v, k]));

/** How Jinja2 names a token type in messages ("end of print statement", ")"). */
export function describeTokenType(type: string): string {
  return REVERSE_OPERATORS[type] ?? TYPE_DESCRIPTIONS[type] ?? type;
}

/** How Jinja2 names a token in messages: a name token by its value. */
export function describeToken(token: Token): string {
  if (token.type === 'name') return String(token.value);
  return describeTokenType(token.type);
}

/** Describes a token expression such as 'name:endfor' or 'block_end'. */
export function describeTokenExpr(expr: string): string {
  const colon = expr.indexOf(':');
  if (colon >= 0) {
    const type = expr.slice(0, colon);
    if (type === 'name') return expr.slice(colon + 1);
    return describeTokenType(type);
  }
  return describeTokenType(expr);
}

const WS = `[${PY_WS_CLASS}]`;
const NEWLINE_RE = /\r\n|\r|\n/g;
const WHITESPACE_FULL = new RegExp(`^${WS}+$`, 'u');
const TAG_SPACE_TEST = new RegExp(`^${WS}$`, 'u');

/** Whether a UTF-16 unit starts whitespace in a tag (Python's \\s). */
function isTagSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  return c >= 0x1c && (c <= 0x1f || c >= 0x85) && TAG_SPACE_TEST.test(String.fromCharCode(c));
}

// tag rules (the same order as Jinja2's: whitespace, float, integer, name, string, operator)
const TAG_WHITESPACE = new RegExp(`${WS}+`, 'uy');
const TAG_FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const TAG_INTEGER = /(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)/y;
// Jinja2's identifier pattern: \w plus the combining marks Python accepts in names
const TAG_NAME = /[\p{L}\p{N}\p{M}\p{Pc}\u00b7\u0387\u1369-\u1371\u19da\u2118\u212e\u309b\u309c]+/uy;
const TAG_STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const TAG_OPERATOR = /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y;
const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

type State = 'root' | 'block' | 'variable' | 'comment' | 'raw';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Rules {
  rawBegin: RegExp;
  blockEnd: RegExp;
  variableEnd: RegExp;
  comment: RegExp;
  raw: RegExp;
}

const ruleCache = new Map<string, Rules>();

function rules(trimBlocks: boolean): Rules {
  const key = trimBlocks ? 'trim' : 'plain';
  let r = ruleCache.get(key);
  if (r) return r;
  const bs = escapeRe('{%');
  const be = escapeRe('%}');
  const ve = escapeRe('}}');
  const ce = escapeRe('#}');
  const suffix = trimBlocks ? '\\n?' : '';
  r = {
    // {% raw %}, {%- raw -%}: the raw block begins (its end tag never takes trim_blocks' newline)
    rawBegin: new RegExp(`${bs}(-|\\+|)${WS}*raw${WS}*(?:-${be}${WS}*|${be})`, 'uy'),
    blockEnd: new RegExp(`(?:\\+${be}|-${be}${WS}*|${be}${suffix})`, 'uy'),
    variableEnd: new RegExp(`-${ve}${WS}*|${ve}`, 'uy'),
    comment: new RegExp(`([\\s\\S]*?)((?:\\+${ce}|-${ce}${WS}*|${ce}${suffix}))`, 'uy'),
    raw: new RegExp(
      `([\\s\\S]*?)((?:${bs}(-|\\+|))${WS}*endraw${WS}*(?:\\+${be}|-${be}${WS}*|${be}${suffix}))`,
      'uy',
    ),
  };
  ruleCache.set(key, r);
  return r;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Splits the source into lines on \r\n, \r and \n and joins them with \n, dropping one final newline unless kept. */
export function normalizeSource(source: string, keepTrailingNewline: boolean): string {
  const lines = source.split(NEWLINE_RE);
  if (!keepTrailingNewline && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/**
 * Yields the tokens of a template (comments and whitespace dropped, values
 * converted). Errors are TemplateSyntaxError with Jinja2's messages.
 */
export function* tokenize(source: string, name: string | null, options: LexerOptions = {}): Generator<Token> {
  const newlineSequence = options.newlineSequence ?? '\n';
  const normalizeNewlines = (s: string) => (newlineSequence === '\n' && !s.includes('\r') ? s : s.replace(NEWLINE_RE, newlineSequence));
  const r = rules(options.trimBlocks ?? false);
  const lstripBlocks = options.lstripBlocks ?? false;
  const text = normalizeSource(source, options.keepTrailingNewline ?? false);
  const col = (p: number) => p - text.lastIndexOf('\n', p - 1);
  const fail = (msg: string, lineno: number): never => {
    throw new TemplateSyntaxError(msg, lineno, name, null, 'TemplateSyntaxError', col(pos));
  };

  let pos = 0;
  let lineno = 1;
  const stack: State[] = ['root'];
  const balancing: string[] = [];
  let lineStarting = true;
  const n = text.length;

  /** The match that ends a comment or raw block: null at the end of the source (where Jinja2 stops), an error before it. */
  const closing = (re: RegExp, missing: string): RegExpExecArray | null => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m && pos < n) fail(missing, lineno);
    return m;
  };

  /** Applies `-` and lstrip_blocks to the text before a tag. */
  const stripBefore = (data: string, sign: string, isVariable: boolean): [string, number] => {
    if (sign === '-') {
      const stripped = pyRstrip(data);
      return [stripped, countNewlines(data.slice(stripped.length))];
    }
    if (sign !== '+' && lstripBlocks && !isVariable) {
      const lPos = data.lastIndexOf('\n') + 1;
      if (lPos > 0 || lineStarting) {
        if (WHITESPACE_FULL.test(data.slice(lPos))) return [data.slice(0, lPos), 0];
      }
    }
    return [data, 0];
  };

  while (pos < n || stack.length > 1) {
    const state = stack[stack.length - 1]!;
    if (state === 'root') {
      // the next tag start: {{, {# or {% (a {% raw %} is a {% of its own kind)
      let at = pos;
      let kind: State | null = null;
      let tagEnd = 0;
      while ((at = text.indexOf('{', at)) >= 0 && at + 1 < n) {
        const c = text.charCodeAt(at + 1);
        if (c === 0x7b /* { */) kind = 'variable';
        else if (c === 0x23 /* # */) kind = 'comment';
        else if (c === 0x25 /* % */) {
          r.rawBegin.lastIndex = at;
          const raw = r.rawBegin.exec(text);
          if (raw) {
            kind = 'raw';
            tagEnd = r.rawBegin.lastIndex;
          } else kind = 'block';
        }
        if (kind) break;
        at++;
      }
      if (kind === null) {
        if (pos >= n) return;
        const rest = text.slice(pos);
        yield { lineno, column: col(pos), type: 'data', value: normalizeNewlines(rest) };
        lineno += countNewlines(rest);
        lineStarting = rest.endsWith('\n');
        pos = n;
        continue;
      }
      if (kind !== 'raw') {
        const s2 = text[at + 2];
        tagEnd = at + 2 + (s2 === '-' || s2 === '+' ? 1 : 0);
      }
      const tag = text.slice(at, tagEnd);
      const sign = kind === 'raw' ? (tag[2] === '-' || tag[2] === '+' ? tag[2] : '') : tag.length > 2 ? tag[2]! : '';
      const [data, stripped] = stripBefore(text.slice(pos, at), sign, kind === 'variable');
      if (data) yield { lineno, column: col(pos), type: 'data', value: normalizeNewlines(data) };
      lineno += countNewlines(data) + stripped;
      if (kind === 'variable') yield { lineno, column: col(at), type: 'variable_begin', value: tag };
      else if (kind === 'block') yield { lineno, column: col(at), type: 'block_begin', value: tag };
      lineno += countNewlines(tag);
      stack.push(kind);
      lineStarting = tag.endsWith('\n');
      pos = tagEnd;
      continue;
    }
    if (state === 'comment') {
      const m = closing(r.comment, 'Missing end of comment tag');
      if (!m) return;
      lineno += countNewlines(m[1]!) + countNewlines(m[2]!);
      lineStarting = m[0].endsWith('\n');
      pos = r.comment.lastIndex;
      stack.pop();
      continue;
    }
    if (state === 'raw') {
      const m = closing(r.raw, 'Missing end of raw directive');
      if (!m) return;
      const [data, stripped] = stripBefore(m[1]!, m[3]!, false);
      if (data) yield { lineno, column: col(pos), type: 'data', value: normalizeNewlines(data) };
      lineno += countNewlines(data) + stripped + countNewlines(m[2]!);
      lineStarting = m[0].endsWith('\n');
      pos = r.raw.lastIndex;
      stack.pop();
      continue;
    }
    // block or variable: the end delimiter first (unless inside brackets), then the tag rules
    if (balancing.length === 0) {
      const endRe = state === 'block' ? r.blockEnd : r.variableEnd;
      endRe.lastIndex = pos;
      const m = endRe.exec(text);
      if (m) {
        yield { lineno, column: col(pos), type: state === 'block' ? 'block_end' : 'variable_end', value: m[0] };
        lineno += countNewlines(m[0]);
        lineStarting = m[0].endsWith('\n');
        pos = endRe.lastIndex;
        stack.pop();
        continue;
      }
    }
    if (pos >= n) return;
    let m: RegExpExecArray | null;
    const c0 = text.charCodeAt(pos);
    if (isTagSpace(c0)) {
      TAG_WHITESPACE.lastIndex = pos;
      m = TAG_WHITESPACE.exec(text)!;
      lineno += countNewlines(m[0]);
      lineStarting = m[0].endsWith('\n');
      pos = TAG_WHITESPACE.lastIndex;
      continue;
    }
    if (c0 >= 0x30 && c0 <= 0x39) {
      TAG_FLOAT.lastIndex = pos;
      if ((m = TAG_FLOAT.exec(text))) {
        yield { lineno, column: col(pos), type: 'float', value: Number(m[0].replace(/_/g, '')) };
        lineStarting = false;
        pos = TAG_FLOAT.lastIndex;
        continue;
      }
      TAG_INTEGER.lastIndex = pos;
      if ((m = TAG_INTEGER.exec(text))) {
        yield { lineno, column: col(pos), type: 'integer', value: parseIntText(m[0].replace(/_/g, ''), 0) };
        lineStarting = false;
        pos = TAG_INTEGER.lastIndex;
        continue;
      }
    }
    TAG_NAME.lastIndex = pos;
    if ((m = TAG_NAME.exec(text))) {
      if (!IDENTIFIER.test(m[0])) fail('Invalid character in identifier', lineno);
      yield { lineno, column: col(pos), type: 'name', value: m[0] };
      lineStarting = false;
      pos = TAG_NAME.lastIndex;
      continue;
    }
    if (c0 === 0x22 || c0 === 0x27) {
      TAG_STRING.lastIndex = pos;
      if ((m = TAG_STRING.exec(text))) {
        const body = normalizeNewlines(m[0].slice(1, -1));
        let value: string;
        try {
          value = decodeEscapes(body);
        } catch (e) {
          if (e instanceof EscapeError) return fail(e.message, lineno);
          throw e;
        }
        yield { lineno, column: col(pos), type: 'string', value };
        lineno += countNewlines(m[0]);
        lineStarting = m[0].endsWith('\n');
        pos = TAG_STRING.lastIndex;
        continue;
      }
    }
    TAG_OPERATOR.lastIndex = pos;
    if ((m = TAG_OPERATOR.exec(text))) {
      const op = m[0];
      if (op === '{') balancing.push('}');
      else if (op === '(') balancing.push(')');
      else if (op === '[') balancing.push(']');
      else if (op === '}' || op === ')' || op === ']') {
        if (balancing.length === 0) fail(`unexpected '${op}'`, lineno);
        const expected = balancing.pop()!;
        if (expected !== op) fail(`unexpected '${op}', expected '${expected}'`, lineno);
      }
      yield { lineno, column: col(pos), type: OPERATORS[op]!, value: op };
      lineStarting = false;
      pos = TAG_OPERATOR.lastIndex;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(pos)!);
    fail(`unexpected char ${reprChar(ch)} at ${pos}`, lineno);
  }
}

function reprChar(ch: string): string {
  if (ch === "'") return `"'"`;
  if (ch === '\\') return "'\\\\'";
  return `'${ch}'`;
}
