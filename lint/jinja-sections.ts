// The slapos.recipe.template:jinja2 sections of a profile and their
// templates: the text (a local file named by `url`, or `inline`), where
// each template line is in the files, and the extensions it is parsed with.
import { fileURLToPath } from 'node:url';
import type { Span } from '../parser/diagnostic.ts';
import type { Entry } from '../profile/entry.ts';
import { isUrl } from '../profile/location.ts';
import { entrySpan } from '../profile/provenance.ts';
import { pySplitWhitespace, pyStrip } from '../python/index.ts';
import type { ProfileModel } from './model.ts';
import { recipeKey } from './recipe-schema.ts';
import { hasPlaceholder } from './template.ts';

export interface JinjaSection {
  section: string;
  /** The template text, when it can be read. */
  text?: string;
  /** The template file (when it comes from `url`/`template`). */
  file?: string;
  /** The inline template's entry (to locate its lines). */
  inline?: Entry;
  /** Offset of the template text in the entry's value (`inline:` prefix of a legacy template). */
  inlineOffset?: number;
  /** Why the template cannot be read statically. */
  unknown?: string;
  /** The option that names the template, for locating "not found" findings. */
  option?: string;
  /** The file named by `url` does not exist. */
  missing?: boolean;
  extensions: string[];
}

const cache = new WeakMap<ProfileModel, JinjaSection[]>();

export function jinjaSections(model: ProfileModel): JinjaSection[] {
  const known = cache.get(model);
  if (known) return known;
  const out: JinjaSection[] = [];
  for (const name of model.sectionNames()) {
    const facts = model.facts(name);
    let js = facts.jinja as JinjaSection | null | undefined;
    // kept with the section's facts while its template file reads the same
    if (js === undefined || (js?.file !== undefined && (model.workspace.text(js.file) ?? undefined) !== js.text)) facts.jinja = js = jinjaSection(model, name);
    if (js) out.push(js);
  }
  cache.set(model, out);
  return out;
}

function jinjaSection(model: ProfileModel, name: string): JinjaSection | null {
  if (hasPlaceholder(name)) return null;
  const recipe = model.recipe(name);
  if (!recipe || recipeKey(recipe) !== 'slapos.recipe.template:jinja2') return null;
  const ex = model.expanded(name)!;
  const extensions = pySplitWhitespace(model.value(name, 'extensions') ?? ex.section.get('extensions')?.value ?? '');
  const js: JinjaSection = { section: name, extensions };
  const inline = ex.section.get('inline');
  const legacy = ex.section.get('template');
  if (inline) {
    js.text = inline.value;
    js.inline = inline;
    js.inlineOffset = 0;
  } else if (legacy && pyStrip(legacy.value).startsWith('inline:')) {
    const at = legacy.value.indexOf('inline:') + 'inline:'.length;
    js.text = legacy.value.slice(at);
    js.inline = legacy;
    js.inlineOffset = at;
  } else {
    const option = ex.section.has('url') ? 'url' : legacy ? 'template' : undefined;
    if (option) {
      js.option = option;
      const v = model.value(name, option);
      if (v === undefined) js.unknown = `its ${option} is computed when buildout runs`;
      else {
        const target = pyStrip(v);
        if (isUrl(target) && !target.startsWith('file://')) js.unknown = `its template is downloaded from ${target}`;
        else {
          const path = target.startsWith('file://') ? fileURLToPath(target) : target;
          js.file = path;
          const t = model.workspace.text(path);
          if (t !== null) js.text = t;
          // a file next to a profile (${:_profile_base_location_}/…) must exist; others
          // (in parts/, made by another part) appear when buildout runs
          else if ((ex.section.get(option)?.value ?? '').includes('_profile_base_location_')) js.missing = true;
          else js.unknown = `its template ${path} is made when buildout runs`;
        }
      }
    } else js.unknown = 'it names no template';
  }
  return js;
}

/** Where line `lineno` (1-based) of a jinja section's template is. */
export function templateLineSpan(js: JinjaSection, lineno: number): Span | undefined {
  if (js.file) {
    const line = (js.text ?? '').split(/\r\n|\r|\n/)[lineno - 1] ?? '';
    return { file: js.file, line: lineno, column: 1, endLine: lineno, endColumn: line.length + 1 };
  }
  if (js.inline && js.text !== undefined) {
    let offset = js.inlineOffset ?? 0;
    const lines = js.text.split('\n');
    for (let i = 0; i < lineno - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
    const len = lines[lineno - 1]?.length ?? 0;
    return entrySpan(js.inline, offset, offset + len);
  }
  return undefined;
}
