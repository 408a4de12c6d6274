// The shape of a document: its sections with their options (outline and
// workspace symbols), what folds (sections, multi-line values, Jinja2
// blocks), and semantic tokens for section names, option keys,
// `${section:option}` references and Jinja2 tags, expressions and comments.
import { SemanticTokensBuilder, SymbolKind, type DocumentSymbol, type FoldingRange, type SemanticTokens, type SymbolInformation } from 'vscode-languageserver';
import type { Span } from '../parser/diagnostic.ts';
import type { LintFile, Workspace } from '../lint/workspace.ts';
import { pathToUri, toRange } from './convert.ts';
import { occurrencesOf } from './cursor.ts';
import { showValue } from './hover.ts';
import type { Project } from './project.ts';

/** Sections (with their options) of one file, each header its own symbol. */
export function documentSymbols(file: LintFile, workspace: Workspace): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  let current: DocumentSymbol | undefined;
  const lastLine = Math.max(1, file.lines.length);
  const close = (endLine: number) => {
    if (!current) return;
    let end = endLine;
    while (end > current.range.start.line + 1 && (file.lines[end - 1] ?? '').trim() === '') end--;
    current.range = { start: current.range.start, end: { line: end - 1, character: (file.lines[end - 1] ?? '').length } };
  };
  for (const n of file.tree.nodes) {
    if (n.kind === 'header') {
      close(n.line - 1);
      const sel = toRange(workspace.unmask(n.nameSpan));
      current = { name: n.name, kind: SymbolKind.Class, range: toRange(workspace.unmask(n.span)), selectionRange: sel, children: [] };
      out.push(current);
    } else if (n.kind === 'option' && current) {
      const last = n.continuation.at(-1);
      const endLine = last ? last.line : n.line;
      const key = workspace.unmask(n.keySpan);
      const range = { start: { line: n.line - 1, character: key.column - 1 }, end: { line: endLine - 1, character: (file.lines[endLine - 1] ?? '').length } };
      const sym: DocumentSymbol = { name: n.key, kind: n.name === 'recipe' ? SymbolKind.Constant : SymbolKind.Property, range, selectionRange: toRange(key) };
      const detail = showValue(n.first.text || (n.continuation.find((c) => c.text.trim())?.text.trim() ?? ''));
      if (detail) sym.detail = detail.length > 80 ? detail.slice(0, 79) + '…' : detail;
      current.children!.push(sym);
      if (n.name === 'recipe') current.detail = n.first.text;
    }
  }
  close(lastLine);
  return out;
}

/** Section headers of every file the server analysed, whose name contains the query (case-insensitive). */
export function workspaceSymbols(project: Project, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: SymbolInformation[] = [];
  for (const a of project.known()) {
    for (const f of a.model?.files ?? []) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      for (const o of occurrencesOf(f, project.workspace)) {
        if (o.kind !== 'header' || !o.section.toLowerCase().includes(q)) continue;
        out.push({ name: o.section, kind: SymbolKind.Class, location: { uri: pathToUri(f.path), range: toRange(o.span) } });
        if (out.length >= 1000) return out;
      }
    }
  }
  return out;
}

const BLOCKS = new Set(['if', 'for', 'macro', 'call', 'filter', 'raw', 'block', 'with']);

export function foldingRanges(file: LintFile): FoldingRange[] {
  const out: FoldingRange[] = [];
  let header: number | undefined;
  const closeSection = (before: number) => {
    if (header === undefined) return;
    let end = before;
    while (end > header && (file.lines[end - 1] ?? '').trim() === '') end--;
    if (end > header) out.push({ startLine: header - 1, endLine: end - 1 });
  };
  for (const n of file.tree.nodes) {
    if (n.kind === 'header') {
      closeSection(n.line - 1);
      header = n.line;
    } else if (n.kind === 'option') {
      let last = n.continuation.length;
      while (last > 0 && n.continuation[last - 1]!.text.trim() === '') last--;
      if (last > 0) out.push({ startLine: n.line - 1, endLine: n.continuation[last - 1]!.line - 1 });
    }
  }
  closeSection(file.lines.length);
  const open: { name: string; line: number }[] = [];
  for (const t of file.template?.tags ?? []) {
    if (BLOCKS.has(t.name)) open.push({ name: t.name, line: t.line });
    else if (t.name.startsWith('end')) {
      const name = t.name.slice(3);
      const i = open.map((o) => o.name).lastIndexOf(name);
      if (i < 0) continue;
      const start = open[i]!.line;
      open.length = i;
      if (t.line > start) out.push({ startLine: start - 1, endLine: t.line - 1, kind: 'region' });
    }
  }
  return out;
}

export const TOKEN_TYPES = ['namespace', 'property', 'variable', 'keyword', 'macro', 'comment'] as const;
const T = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<(typeof TOKEN_TYPES)[number], number>;

const JINJA = /\{%[\s\S]*?%\}|\{\{[\s\S]*?\}\}|\{#[\s\S]*?#\}/g;

export function semanticTokens(file: LintFile, workspace: Workspace): SemanticTokens {
  const tokens: [number, number, number, number][] = [];
  const add = (s: Span | undefined, type: number) => {
    if (s && s.line === s.endLine && s.endColumn > s.column) tokens.push([s.line - 1, s.column - 1, s.endColumn - s.column, type]);
  };
  for (const o of occurrencesOf(file, workspace)) {
    if (o.kind === 'key') add(o.optionSpan, T.property);
    else if (o.kind === 'reference') {
      add(o.sectionSpan, T.namespace);
      add(o.optionSpan, T.variable);
    } else add(o.sectionSpan ?? o.span, T.namespace);
  }
  if (file.template?.jinja) {
    file.lines.forEach((text, i) => {
      for (const m of text.matchAll(JINJA)) tokens.push([i, m.index, m[0].length, m[0][1] === '%' ? T.keyword : m[0][1] === '#' ? T.comment : T.macro]);
    });
  }
  tokens.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const builder = new SemanticTokensBuilder();
  let lastLine = -1;
  let lastEnd = 0;
  for (const [line, char, length, type] of tokens) {
    if (line === lastLine && char < lastEnd) continue;
    builder.push(line, char, length, type, 0);
    lastLine = line;
    lastEnd = char + length;
  }
  return builder.build();
}
