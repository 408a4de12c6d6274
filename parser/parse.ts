// Text to syntax tree: lexer, grammar, then located nodes. Pure: no I/O,
// no condition evaluation. Never throws for any input string.
import type { IToken } from 'chevrotain';
import type { Span } from './diagnostic.ts';
import { profileGrammar, type GrammarItem } from './grammar.ts';
import { HEADER_RE, lexer, lineText } from './tokens.ts';
import { NO_CONTINUATION, type HeaderNode, type LineNode, type OptionNode, type ProfileTree, type TreeNode } from './tree.ts';
import { splitKey } from './keys.ts';
import { isPySpaceCode, pyRstrip, pyStrip } from '../python/index.ts';

export function parseProfile(text: string, file: string): ProfileTree {
  const lexed = lexer.tokenize(text);
  const grammar = profileGrammar();
  grammar.input = lexed.tokens;
  const items = grammar.profile();
  // the grammar is one instance: it would keep the last file's tokens alive
  grammar.input = [];
  // The lexer classifies every line and the grammar accepts every token
  // sequence, so neither reports errors; guard anyway.
  if (lexed.errors.length || grammar.errors.length) {
    throw new Error(`internal: parser rejected ${file}: ${lexed.errors[0]?.message ?? grammar.errors[0]?.message}`);
  }
  const nodes: TreeNode[] = [];
  const comments: ProfileTree['comments'] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'header':
        nodes.push(headerNode(item.token, file));
        break;
      case 'option':
        for (const c of item.comments) comments.push({ text: lineText(c.image), line: c.startLine!, span: tokenSpan(c, file) });
        nodes.push(optionNode(item, file));
        break;
      case 'comment':
        comments.push({ text: lineText(item.token.image), line: item.token.startLine!, span: tokenSpan(item.token, file) });
        break;
      case 'orphan':
      case 'junk':
        nodes.push(lineNode(item.kind, item.token, file));
        break;
    }
  }
  comments.sort((a, b) => a.line - b.line);
  return { file, nodes, comments, lineCount: countLines(text, lexed.tokens) };
}

/** Lines of the text: the last token's line, plus one if the text ends with a line break. */
function countLines(text: string, tokens: IToken[]): number {
  const last = tokens[tokens.length - 1];
  if (!last) return 1;
  const c = text.charCodeAt(text.length - 1);
  return last.startLine! + (c === 10 || c === 13 ? 1 : 0);
}

function tokenSpan(t: IToken, file: string): Span {
  return { file, line: t.startLine!, column: t.startColumn!, endLine: t.startLine!, endColumn: t.startColumn! + lineText(t.image).length };
}

function lineSpan(file: string, line: number, from: number, to: number): Span {
  // from/to are 0-based offsets in the line
  return { file, line, column: from + 1, endLine: line, endColumn: to + 1 };
}

function headerNode(t: IToken, file: string): HeaderNode {
  const line = t.startLine!;
  const m = HEADER_RE.exec(lineText(t.image))!;
  const ind = m.indices!;
  const node: HeaderNode = {
    kind: 'header',
    name: m[1]!,
    line,
    span: tokenSpan(t, file),
    nameSpan: lineSpan(file, line, ind[1]![0], ind[1]![1]),
    tail: m[3]!,
  };
  if (m[2] !== undefined) node.condition = { text: m[2], span: lineSpan(file, line, ind[2]![0], ind[2]![1]) };
  return node;
}

function optionNode(item: Extract<GrammarItem, { kind: 'option' }>, file: string): OptionNode {
  const t = item.token;
  const line = t.startLine!;
  const partDependencies = t.tokenType.name === 'PartDeps';
  const image = lineText(t.image);
  let key: string;
  let rawValue: string;
  let valueStart: number;
  let keySpan: Span;
  if (partDependencies) {
    key = '<part-dependencies>';
    rawValue = image.slice(2);
    valueStart = 2;
    keySpan = lineSpan(file, line, 0, 2);
  } else {
    // the lexer matched OPTION_RE: the name cannot hold `=`, so the first `=` separates
    const eq = image.indexOf('=');
    key = pyRstrip(image.slice(0, eq));
    rawValue = image.slice(eq + 1);
    valueStart = eq + 1;
    keySpan = lineSpan(file, line, 0, key.length);
  }
  let lead = 0;
  while (lead < rawValue.length && isPySpaceCode(rawValue.charCodeAt(lead))) lead++;
  const { name, operator } = splitKey(key);
  return {
    kind: 'option',
    key,
    name,
    operator,
    partDependencies,
    line,
    text: image,
    span: tokenSpan(t, file),
    keySpan,
    first: { text: pyStrip(rawValue), column: valueStart + lead + 1 },
    continuation: item.lines.length ? item.lines.map((l) => ({ text: l.token ? lineText(l.token.image) : '', line: l.line })) : NO_CONTINUATION,
  };
}

function lineNode(kind: 'orphan' | 'junk', t: IToken, file: string): LineNode {
  return { kind, text: lineText(t.image), line: t.startLine!, span: tokenSpan(t, file) };
}
