// What is under the cursor in a document: a `${section:option}` (its
// section or its option), a section header, an option key, a `<=`,
// `parts` or `<part-dependencies>` entry, an extends entry, a recipe name,
// the template file of a template recipe, or in a Jinja2 template an
// imported template or a variable. Read from the file's syntax tree
// (parser/occurrences.ts), so it works on unsaved text.
import type { Position } from 'vscode-languageserver';
import type { Span } from '../parser/diagnostic.ts';
import { fileOccurrences, type Occurrence } from '../parser/occurrences.ts';
import type { OptionNode } from '../parser/tree.ts';
import { recipeSchema } from '../lint/recipe-schema.ts';
import type { LintFile, Workspace } from '../lint/workspace.ts';
import { profileOccurrences, type ProfileModel } from '../lint/model.ts';
import { within } from './convert.ts';

export type Target =
  | { kind: 'reference'; section: string; option: string; on: 'section' | 'option'; occurrence: Occurrence }
  | { kind: 'section'; section: string; occurrence: Occurrence }
  | { kind: 'key'; section: string; option: string; occurrence: Occurrence }
  | { kind: 'extends'; name: string; span: Span }
  | { kind: 'recipe'; recipe: string; section: string; span: Span }
  | { kind: 'template-file'; section: string; option: string; span: Span }
  | { kind: 'jinja-import'; name: string; span: Span }
  | { kind: 'jinja-name'; name: string; span: Span };

/** The occurrences of a file at file positions (templates are parsed masked). */
export function occurrencesOf(file: LintFile, workspace: Workspace): Occurrence[] {
  const list = fileOccurrences(file.tree);
  if (!file.template) return list;
  return list.map((o) => {
    const m: Occurrence = { ...o, span: workspace.unmask(o.span) };
    if (o.sectionSpan) m.sectionSpan = workspace.unmask(o.sectionSpan);
    if (o.optionSpan) m.optionSpan = workspace.unmask(o.optionSpan);
    return m;
  });
}

/** The section a line belongs to (the last header above it). */
export function sectionAt(file: LintFile, line: number): string | undefined {
  let name: string | undefined;
  for (const n of file.tree.nodes) {
    if (n.line > line) break;
    if (n.kind === 'header') name = n.name;
  }
  return name;
}

/** The recipe a section of this file sets, as written here (the last `recipe =` line of its headers). */
export function recipeIn(file: LintFile, section: string): string | undefined {
  let current: string | undefined;
  let recipe: string | undefined;
  for (const n of file.tree.nodes) {
    if (n.kind === 'header') current = n.name;
    else if (n.kind === 'option' && n.name === 'recipe' && current === section) recipe = n.first.text;
  }
  return recipe;
}

/** The option line (with its continuation lines) covering a 1-based line. */
export function optionAt(file: LintFile, line: number): OptionNode | undefined {
  let found: OptionNode | undefined;
  for (const n of file.tree.nodes) {
    if (n.line > line) break;
    if (n.kind === 'option') found = n;
    else found = undefined;
  }
  if (!found) return undefined;
  const last = found.continuation.at(-1)?.line ?? found.line;
  return line <= last ? found : undefined;
}

/** The lines of an option's value: line, column of the text, text. */
export function valueLines(node: OptionNode): [number, number, string][] {
  return [[node.line, node.first.column, node.first.text], ...node.continuation.map((c): [number, number, string] => [c.line, 1, c.text])];
}

function wordAt(node: OptionNode, p: Position, file: string, workspace: Workspace): { word: string; span: Span } | undefined {
  for (const [line, column, text] of valueLines(node)) {
    if (line !== p.line + 1) continue;
    for (const m of text.matchAll(/\S+/g)) {
      const span = workspace.unmask({ file, line, column: column + m.index, endLine: line, endColumn: column + m.index + m[0].length });
      if (within(span, p)) return { word: m[0], span };
    }
  }
  return undefined;
}

const JINJA_IMPORT = /\{%-?\s*(?:import|from|include|extends)\s+(['"])([^'"]*)\1/g;
const JINJA_BLOCK = /\{\{[\s\S]*?(?:\}\}|$)|\{%[\s\S]*?(?:%\}|$)/g;
const JINJA_KEYWORDS = new Set(['if', 'else', 'elif', 'endif', 'for', 'in', 'endfor', 'not', 'and', 'or', 'is', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'import', 'from', 'as', 'with', 'without', 'context', 'include', 'raw', 'endraw', 'filter', 'endfilter', 'do', 'true', 'false', 'none', 'True', 'False', 'None', 'recursive', 'ignore', 'missing', 'block', 'endblock']);

/** A Jinja2 name or imported template under the cursor, on the raw text of a template line. */
function jinjaAt(file: LintFile, p: Position): Target | undefined {
  const text = file.lines[p.line];
  if (text === undefined) return undefined;
  const line = p.line + 1;
  for (const m of text.matchAll(JINJA_IMPORT)) {
    const start = m.index + m[0].length - 1 - m[2]!.length;
    const span = { file: file.path, line, column: start + 1, endLine: line, endColumn: start + 1 + m[2]!.length };
    if (within(span, p)) return { kind: 'jinja-import', name: m[2]!, span };
  }
  for (const b of text.matchAll(JINJA_BLOCK)) {
    if (p.character < b.index || p.character > b.index + b[0].length) continue;
    for (const m of b[0].matchAll(/(?<![.\w'"])[A-Za-z_]\w*/g)) {
      const start = b.index + m.index;
      const span = { file: file.path, line, column: start + 1, endLine: line, endColumn: start + 1 + m[0].length };
      if (within(span, p) && !JINJA_KEYWORDS.has(m[0])) return { kind: 'jinja-name', name: m[0], span };
    }
  }
  return undefined;
}

/** What is at a position; `model` (the document's profile) adds what recipes name (jinja2 `context` entries) and the recipe of a section set elsewhere. */
export function targetAt(file: LintFile, workspace: Workspace, p: Position, model?: ProfileModel): Target | undefined {
  const named = model ? profileOccurrences(model).filter((o) => o.kind === 'recipe' && o.span.file === file.path) : [];
  for (const o of [...named, ...occurrencesOf(file, workspace)]) {
    if (!within(o.span, p)) continue;
    switch (o.kind) {
      case 'recipe':
        // `key NAME section:option` names an option as a reference does
        if (o.option === undefined) return { kind: 'section', section: o.section, occurrence: o };
        return { kind: 'reference', section: o.section, option: o.option, on: o.sectionSpan && within(o.sectionSpan, p) ? 'section' : 'option', occurrence: o };
      case 'reference':
        return { kind: 'reference', section: o.section, option: o.option!, on: o.sectionSpan && within(o.sectionSpan, p) ? 'section' : 'option', occurrence: o };
      case 'key':
        return { kind: 'key', section: o.section, option: o.option!, occurrence: o };
      default:
        return { kind: 'section', section: o.section, occurrence: o };
    }
  }
  if (file.template?.jinja) {
    const j = jinjaAt(file, p);
    if (j) return j;
  }
  const node = optionAt(file, p.line + 1);
  const section = node && sectionAt(file, node.line);
  if (!node || section === undefined) return undefined;
  const w = wordAt(node, p, file.path, workspace);
  if (!w) return undefined;
  if (node.name === 'extends' && section === 'buildout' && !w.word.includes('${')) return { kind: 'extends', name: w.word, span: w.span };
  if (node.name === 'recipe') return { kind: 'recipe', recipe: w.word, section, span: w.span };
  const recipe = (model?.recipe(section) ?? undefined) || recipeIn(file, section);
  const schema = recipe ? recipeSchema(recipe) : undefined;
  if (schema?.spec.templateFiles?.includes(node.name)) return { kind: 'template-file', section, option: node.name, span: w.span };
  return undefined;
}
