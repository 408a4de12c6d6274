// Go to definition: `${section:option}` and an option key to the line that
// set the value that wins (after `+=`, `-=`, overrides and macros; a value a
// recipe sets goes to its `recipe =` line); a section name (`${section:`,
// `<=`, `parts`) to its headers; an extends entry to the file; a template
// recipe's `url`/`template`/`input` to the template; in a Jinja2 template,
// `{% import %}` to the imported file and a variable to the `context` line
// that gives it (and, for `key NAME section:option`, to that option's line).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span } from '../parser/diagnostic.ts';
import { entryKeySpan } from '../profile/provenance.ts';
import { isUrl } from '../profile/location.ts';
import { pyStrip } from '../python/index.ts';
import { sectionOccurrences, type ProfileModel } from '../lint/model.ts';
import type { Target } from './cursor.ts';
import type { Project } from './project.ts';
import { entriesOf, renderersOf } from './templates.ts';

function fileStart(path: string): Span {
  return { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** A local file a value names (a path, or a file:// URL), if it exists. */
export function localFile(value: string, base: string): string | undefined {
  const v = pyStrip(value);
  if (!v || v.includes('\uE000') || v.includes('\uE001')) return undefined;
  let path: string;
  if (v.startsWith('file://')) path = fileURLToPath(v);
  else if (isUrl(v)) return undefined;
  else path = isAbsolute(v) ? v : resolve(base, v);
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Where the winning value of an option is set. */
export function optionDefinition(model: ProfileModel, section: string, option: string): Span[] {
  const ex = model.expanded(section);
  if (!ex) return [];
  const entry = ex.section.get(option);
  const at = entry && entryKeySpan(entry);
  if (at) return [at];
  // set by the recipe when the section is initialised: its recipe line
  const recipe = ex.section.get('recipe');
  const r = recipe && entryKeySpan(recipe);
  return r ? [r] : sectionDefinition(model, section);
}

/** The headers of a section. */
export function sectionDefinition(model: ProfileModel, section: string): Span[] {
  return sectionOccurrences(model, section).occurrences.filter((o) => o.kind === 'header').map((o) => o.sectionSpan ?? o.span);
}

export async function definition(project: Project, model: ProfileModel | undefined, path: string, target: Target): Promise<Span[]> {
  switch (target.kind) {
    case 'reference':
      if (!model) return [];
      return target.on === 'section' ? sectionDefinition(model, target.section) : optionDefinition(model, target.section, target.option);
    case 'key':
      return model ? optionDefinition(model, target.section, target.option) : [];
    case 'section':
      return model ? sectionDefinition(model, target.section) : [];
    case 'extends': {
      const f = localFile(target.name, dirname(path));
      return f ? [fileStart(f)] : [];
    }
    case 'template-file': {
      if (!model) return [];
      const v = model.value(target.section, target.option);
      const f = v !== undefined ? localFile(v.replace(/^inline:[\s\S]*/, ''), dirname(path)) : undefined;
      return f ? [fileStart(f)] : [];
    }
    case 'jinja-import': {
      const out: Span[] = [];
      for (const r of await renderersOf(project, path)) {
        for (const e of entriesOf(r.model, r.part.section, 'import-list')) {
          const folder = e.type.endsWith('folder');
          if (!(folder ? target.name.startsWith(e.name + '/') : target.name === e.name)) continue;
          let base: string | undefined;
          if (e.type.startsWith('raw')) base = e.expression;
          else {
            const [s, o] = e.expression.split(':') as [string, string | undefined];
            base = o === undefined ? undefined : r.model.value(s || r.part.section, o);
          }
          if (base === undefined) continue;
          const f = localFile(folder ? join(pyStrip(base), target.name.slice(e.name.length + 1)) : base, dirname(path));
          if (f) out.push(fileStart(f));
        }
      }
      if (!out.length) {
        const f = join(dirname(path), target.name);
        if (existsSync(f)) out.push(fileStart(f));
      }
      return out;
    }
    case 'jinja-name': {
      const out: Span[] = [];
      for (const r of await renderersOf(project, path)) {
        for (const e of entriesOf(r.model, r.part.section, 'context')) {
          if (e.name !== target.name) continue;
          if (e.span) out.push(e.span);
          // `key`/`jsonkey NAME section:option`: and where that value is set
          const [s, o] = e.expression.split(':');
          if ((e.type === 'key' || e.type === 'jsonkey') && o !== undefined) out.push(...optionDefinition(r.model, s || r.part.section, o));
        }
      }
      return out;
    }
    case 'recipe':
      return [];
  }
}
