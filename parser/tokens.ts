// The lexer: buildout's syntax is line oriented, so every token but
// Newline is a whole line, classified as zc.buildout's configparser does
// (comment, header, `=>` line, option line, indented line, anything else).
// A line token always runs to the end of its line, so every token starts a
// line: the patterns need no column-0 check, and the first pattern that
// matches wins (chevrotain's order), exactly zc.buildout's order of tests.
// Which class a line gets never depends on the lines before it; what a line
// means (continuation, orphan, skipped by a false condition) does, and is
// decided by the grammar and by sections.ts.
import { createToken, Lexer } from 'chevrotain';
import { PY_WS_CLASS } from '../python/index.ts';

const WS = `[${PY_WS_CLASS}]`;
/** Python whitespace inside a line (line breaks end lines before this is used). */
const IN_LINE_WS = PY_WS_CLASS.replace('\\n', '').replace('\\r', '');

/**
 * `[name]`, `[name: condition]`, each with an optional trailing comment.
 * The condition runs to the last `]` that is followed only by whitespace
 * and an optional comment, like Python's backtracking regex does.
 */
export const HEADER_RE = new RegExp(
  `^\\[${WS}*([^${PY_WS_CLASS}#[\\]:;{}]+)${WS}*(?::([^#;]*))?${WS}*(\\]${WS}*(?:[#;][\\s\\S]*)?)$`,
  'd',
);

const HEADER_LINE = new RegExp(
  `\\[[${IN_LINE_WS}]*[^${PY_WS_CLASS}#[\\]:;{}]+[${IN_LINE_WS}]*(?::[^#;\\r\\n]*)?[${IN_LINE_WS}]*\\][${IN_LINE_WS}]*(?:[#;][^\\r\\n]*)?(?=[\\r\\n]|$)`,
);
/** `name[ ][+|-]=value`: the name holds no whitespace, braces, brackets, `=` or `:`. */
const OPTION_LINE = new RegExp(`[^${PY_WS_CLASS}{}[\\]=:]+[${IN_LINE_WS}]*[-+]?=[^\\r\\n]*`);

/** A line token takes its line break with it (half as many tokens for the grammar). */
const EOL = '(?:\\r\\n|\\r|\\n)?';
const line = (name: string, body: string) => createToken({ name, pattern: new RegExp(body + EOL), line_breaks: true });

/** An empty line. */
export const Blank = createToken({ name: 'Blank', pattern: /\r\n|\r|\n/, line_breaks: true });
export const Comment = line('Comment', '[#;][^\\r\\n]*');
export const Indent = line('Indent', `[${IN_LINE_WS}][^\\r\\n]*`);
export const Header = line('Header', HEADER_LINE.source);
export const PartDeps = line('PartDeps', '=>[^\\r\\n]*');
export const Option = line('Option', OPTION_LINE.source);
export const Junk = line('Junk', '[^\\r\\n]+');

export const allTokens = [Blank, Comment, Indent, Header, PartDeps, Option, Junk];

/** A line token's text without its line break. */
export function lineText(image: string): string {
  const c = image.charCodeAt(image.length - 1);
  if (c === 10) return image.charCodeAt(image.length - 2) === 13 ? image.slice(0, -2) : image.slice(0, -1);
  return c === 13 ? image.slice(0, -1) : image;
}

export const lexer = new Lexer(allTokens, {
  positionTracking: 'onlyStart',
  ensureOptimizations: false,
  skipValidations: true,
});
