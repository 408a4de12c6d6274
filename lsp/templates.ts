// A Jinja2 template and the slapos.recipe.template:jinja2 parts that render
// it: a template is no part of any extends tree, so its variables (the
// part's `context`) and imports (`import-list`) are found in the profiles
// that name it in `url`: the profiles analysed so far, and the buildout
// profiles beside the template and one folder up (software.cfg,
// buildout.cfg), as a SlapOS release lays them out.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { entrySpan } from '../profile/provenance.ts';
import type { Span } from '../parser/diagnostic.ts';
import { jinjaSections, type JinjaSection } from '../lint/jinja-sections.ts';
import type { ProfileModel } from '../lint/model.ts';
import { entryLines } from '../recipes/jinja2/context.ts';
import type { Project } from './project.ts';

export interface Renderer {
  model: ProfileModel;
  part: JinjaSection;
}

/** Profiles near a template that may render it. */
function neighbours(template: string): string[] {
  const out: string[] = [];
  for (const dir of [dirname(template), dirname(dirname(template))]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names.sort()) if (n.endsWith('.cfg') && join(dir, n) !== template) out.push(join(dir, n));
  }
  return out.slice(0, 12);
}

export async function renderersOf(project: Project, template: string): Promise<Renderer[]> {
  const out: Renderer[] = [];
  const seen = new Set<string>();
  const roots = [...project.known().map((a) => a.root), ...neighbours(template)];
  for (const root of roots) {
    if (seen.has(root) || root === template) continue;
    seen.add(root);
    const a = await project.analysis(root);
    if (!a.model) continue;
    for (const part of jinjaSections(a.model)) if (part.file === template) out.push({ model: a.model, part });
  }
  return out;
}

export interface ContextEntryAt {
  type: string;
  name: string;
  expression: string;
  /** Where the line is written in the profile. */
  span: Span | undefined;
}

/** A part's `context` (or `import-list`) entries with where each is written; entries built by `${…}` are located when their text is. */
export function entriesOf(model: ProfileModel, part: string, option: 'context' | 'import-list'): ContextEntryAt[] {
  const entry = model.expanded(part)?.section.get(option);
  if (!entry) return [];
  const text = model.value(part, option) ?? entry.value;
  let lines: [string, string, string][];
  try {
    lines = entryLines(text);
  } catch {
    lines = [];
  }
  return lines.map(([type, name, expression]) => {
    const m = new RegExp(`(^|\\n)[ \\t]*${escape(type)}[ \\t]+${escape(name)}(?=[ \\t])`).exec(entry.value);
    const start = m ? m.index + m[1]!.length : -1;
    const span = start >= 0 ? entrySpan(entry, start, entry.value.indexOf('\n', start) < 0 ? entry.value.length : entry.value.indexOf('\n', start)) : undefined;
    return { type, name, expression, span };
  });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
