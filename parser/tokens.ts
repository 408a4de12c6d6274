// The lexer: buildout's syntax is line oriented, so every token but
// Newline is a whole line, classified as zc.buildout's configparser does
// (comment, header, `=>` line, option line, indented line, anything else).
// Which class a line gets never depends on the lines before it; what a
// line means (continuation, orphan, skipped by a false condition) does,
// and is decided by the grammar and by sections.ts.
import { createToken, Lexer, type CustomPatternMatcherReturn, type TokenType } from 'chevrotain';
import { PY_WS_CLASS, isPySpaceCode } from '../python/text.ts';

const WS = `[${PY_WS_CLASS}]`;

/**
 * `[name]`, `[name: condition]`, each with an optional trailing comment.
 * The condition runs to the last `]` that is followed only by whitespace
 * and an optional comment, like Python's backtracking regex does.
 */
export const HEADER_RE = new RegExp(
  `^\\[${WS}*([^${PY_WS_CLASS}#[\\]:;{}]+)${WS}*(?::([^#;]*))?${WS}*(\\]${WS}*(?:[#;][\\s\\S]*)?)$`,
  'd',
);

/** `name[ ][+|-]=value`; the key keeps the operator and inner spacing. */
export const OPTION_RE = new RegExp(`^([^${PY_WS_CLASS}{}[\\]=:]+${WS}*[-+]?)=([\\s\\S]*)$`, 'd');

export type LineKind = 'comment' | 'indent' | 'header' | 'partdeps' | 'option' | 'junk';

function lineEnd(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

export function classifyLine(line: string): LineKind {
  const c = line.charCodeAt(0);
  if (c === 35 /* # */ || c === 59 /* ; */) return 'comment';
  if (isPySpaceCode(c)) return 'indent';
  if (c === 91 /* [ */ && HEADER_RE.test(line)) return 'header';
  if (c === 61 /* = */ && line.charCodeAt(1) === 62 /* > */) return 'partdeps';
  if (OPTION_RE.test(line)) return 'option';
  return 'junk';
}

// chevrotain tries every token at an offset; classify each line once.
let cacheText = '';
let cacheOffset = -1;
let cacheEnd = 0;
let cacheKind: LineKind = 'junk';

function lineToken(kind: LineKind) {
  return (text: string, offset: number): CustomPatternMatcherReturn | null => {
    if (offset > 0) {
      const prev = text.charCodeAt(offset - 1);
      if (prev !== 10 && prev !== 13) return null;
    }
    if (offset !== cacheOffset || text !== cacheText) {
      const end = lineEnd(text, offset);
      if (end === offset) return null;
      cacheText = text;
      cacheOffset = offset;
      cacheEnd = end;
      cacheKind = classifyLine(text.slice(offset, end));
    }
    if (cacheKind !== kind) return null;
    return [text.slice(offset, cacheEnd)] as CustomPatternMatcherReturn;
  };
}

function lineTokenType(name: string, kind: LineKind): TokenType {
  return createToken({ name, pattern: { exec: lineToken(kind) }, line_breaks: false });
}

export const Newline = createToken({ name: 'Newline', pattern: /\r\n|\r|\n/, line_breaks: true });
export const Comment = lineTokenType('Comment', 'comment');
export const Indent = lineTokenType('Indent', 'indent');
export const Header = lineTokenType('Header', 'header');
export const PartDeps = lineTokenType('PartDeps', 'partdeps');
export const Option = lineTokenType('Option', 'option');
export const Junk = lineTokenType('Junk', 'junk');

export const allTokens = [Newline, Comment, Indent, Header, PartDeps, Option, Junk];

export const lexer = new Lexer(allTokens, {
  positionTracking: 'onlyStart',
  ensureOptimizations: false,
  safeMode: true,
});

/** Forget the last classified line (the text it refers to may be large). */
export function releaseLexerCache(): void {
  cacheText = '';
  cacheOffset = -1;
}
