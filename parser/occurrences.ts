// Every place one file names a section or an option, as written: headers,
// option keys, `${section:option}` references, `<= macro` lines, `parts`
// and `<part-dependencies>` entries. Read from the syntax tree line by line,
// whatever the conditions decide (a rename must change every spelling,
// also in a section another environment reads). An editor's references,
// rename, outline and semantic tokens read these.
import type { Span } from './diagnostic.ts';
import { findReferences } from './references.ts';
import type { ProfileTree } from './tree.ts';

/** `recipe`: a section (and option) a recipe option names, as `key NAME section:option` in a jinja2 `context` (added by lint/model.ts, which knows the recipes). */
export type OccurrenceKind = 'header' | 'key' | 'reference' | 'macro' | 'parts' | 'part-dependencies' | 'recipe';

export interface Occurrence {
  kind: OccurrenceKind;
  /** The section named (a reference's own section for `${:x}`). */
  section: string;
  /** The option named (keys and references). */
  option?: string;
  /** The section the line belongs to (undefined before the first header). */
  owner: string | undefined;
  /** The whole occurrence (the reference with its `${}`, the header's name, the key, the entry). */
  span: Span;
  /** The section name as written; undefined for `${:x}` and keys. */
  sectionSpan?: Span;
  /** The option name as written (keys: without the operator). */
  optionSpan?: Span;
}

const cache = new WeakMap<ProfileTree, Occurrence[]>();

function at(file: string, line: number, from: number, to: number): Span {
  return { file, line, column: from, endLine: line, endColumn: to };
}

/** The occurrences of one parsed file, in file order (computed once per tree). */
export function fileOccurrences(tree: ProfileTree): Occurrence[] {
  const known = cache.get(tree);
  if (known) return known;
  const out: Occurrence[] = [];
  const file = tree.file;
  let owner: string | undefined;
  for (const node of tree.nodes) {
    if (node.kind === 'header') {
      owner = node.name;
      out.push({ kind: 'header', section: node.name, owner, span: node.nameSpan, sectionSpan: node.nameSpan });
      continue;
    }
    if (node.kind !== 'option') continue;
    if (owner !== undefined && !node.partDependencies) {
      const k = node.keySpan;
      const optionSpan = at(file, node.line, k.column, k.column + node.name.length);
      out.push({ kind: 'key', section: owner, option: node.name, owner, span: k, optionSpan });
    }
    const lines: [number, number, string][] = [[node.line, node.first.column, node.first.text]];
    for (const c of node.continuation) lines.push([c.line, 1, c.text]);
    const words: OccurrenceKind | undefined =
      node.name === '<' ? 'macro' : node.partDependencies || node.name === '<part-dependencies>' ? 'part-dependencies' : node.name === 'parts' && owner === 'buildout' ? 'parts' : undefined;
    for (const [line, column, text] of lines) {
      if (words) {
        for (const m of text.matchAll(/[^\s]+/g)) {
          if (m[0].includes('${') || m[0].startsWith('#')) continue;
          const s = at(file, line, column + m.index, column + m.index + m[0].length);
          out.push({ kind: words, section: m[0], owner, span: s, sectionSpan: s });
        }
      }
      if (!text.includes('${')) continue;
      for (const r of findReferences(text)) {
        if (r.problem === 'no-colon' || r.problem === 'too-many-colons') continue;
        const start = column + r.start;
        const o: Occurrence = {
          kind: 'reference',
          section: r.section || (owner ?? ''),
          option: r.option,
          owner,
          span: at(file, line, start, start + r.text.length),
          optionSpan: at(file, line, start + 3 + r.section.length, start + r.text.length - 1),
        };
        if (r.section) o.sectionSpan = at(file, line, start + 2, start + 2 + r.section.length);
        out.push(o);
      }
    }
  }
  cache.set(tree, out);
  return out;
}
