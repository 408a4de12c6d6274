// Find references and rename, for a section or an option, across the
// extends tree: every file of the document's own profile and of the open
// profiles that include the document (parser/occurrences.ts, gathered by
// the lint model). A rename is refused when a template builds a name that
// may be this one (`[x-{{ k }}]`, `${x-{{ k }}:url}`): it could not be
// changed there.
import { ResponseError, ErrorCodes, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Occurrence } from '../parser/occurrences.ts';
import { optionOccurrences, sectionOccurrences, type NameOccurrences } from '../lint/model.ts';
import { pathToUri, toRange } from './convert.ts';
import type { Target } from './cursor.ts';
import type { Analysis, Project } from './project.ts';

export type Named = { kind: 'section'; section: string } | { kind: 'option'; section: string; option: string };

/** The name a target stands for (undefined: nothing to find or rename). */
export function namedBy(target: Target): Named | undefined {
  switch (target.kind) {
    case 'reference':
      return target.on === 'section' ? { kind: 'section', section: target.section } : { kind: 'option', section: target.section, option: target.option };
    case 'key':
      return { kind: 'option', section: target.section, option: target.option };
    case 'section':
      return { kind: 'section', section: target.section };
    default:
      return undefined;
  }
}

/** The analyses that see a file: its own, and every analysed profile that reads it. */
export async function analysesOf(project: Project, path: string): Promise<Analysis[]> {
  const own = await project.analysis(path);
  return [own, ...project.known().filter((a) => a !== own && a.files.has(path))];
}

function key(o: Occurrence): string {
  const s = o.span;
  return `${s.file}\0${s.line}\0${s.column}\0${o.kind}`;
}

export function occurrences(analyses: Analysis[], name: Named): NameOccurrences {
  const found = new Map<string, Occurrence>();
  const dynamic = new Map<string, Occurrence>();
  for (const a of analyses) {
    if (!a.model) continue;
    const r = name.kind === 'section' ? sectionOccurrences(a.model, name.section) : optionOccurrences(a.model, name.section, name.option);
    for (const o of r.occurrences) found.set(key(o), o);
    for (const o of r.dynamic) dynamic.set(key(o), o);
  }
  const order = (a: Occurrence, b: Occurrence) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.line - b.span.line || a.span.column - b.span.column);
  return { occurrences: [...found.values()].sort(order), dynamic: [...dynamic.values()].sort(order) };
}

/** The span of the name itself in an occurrence. */
export function nameSpan(o: Occurrence, name: Named) {
  return name.kind === 'section' ? (o.sectionSpan ?? o.span) : (o.optionSpan ?? o.span);
}

const SECTION_NAME = /^[-a-zA-Z0-9 ._]+$/;

export function renameEdit(found: NameOccurrences, name: Named, newName: string): WorkspaceEdit {
  const what = name.kind === 'section' ? `[${name.section}]` : `${name.section}:${name.option}`;
  if (!SECTION_NAME.test(newName) || newName !== newName.trim()) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' cannot be a ${name.kind} name that references can use (letters, digits, space, - . _)`);
  }
  if (found.dynamic.length) {
    const d = found.dynamic[0]!;
    throw new ResponseError(ErrorCodes.InvalidRequest, `cannot rename ${what}: ${d.span.file}:${d.span.line} builds a name with a template expression that may be this one`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of found.occurrences) {
    (changes[pathToUri(o.span.file)] ??= []).push({ range: toRange(nameSpan(o, name)), newText: newName });
  }
  return { changes };
}
