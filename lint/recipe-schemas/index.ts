// The recipe schemas the linter knows, by recipe name.
import { shellRecipes } from './plone-recipe-command.ts';
import { slaposCookbook } from './slapos-cookbook.ts';
import { slaposRecipeBuild } from './slapos-recipe-build.ts';
import { slaposRecipeCmmi } from './slapos-recipe-cmmi.ts';
import { slaposRecipeTemplate } from './slapos-recipe-template.ts';
import type { RecipeSchema, RecipeSpec, SectionUse } from './types.ts';
import { zcRecipeEgg } from './zc-recipe-egg.ts';
import { pySplitWhitespace, pyStrip } from '../../python/text.ts';

export type { RecipeSchema, RecipeSpec, OptionReader, SectionUse } from './types.ts';

export const RECIPE_SPECS: readonly RecipeSpec[] = [...slaposRecipeTemplate, ...slaposRecipeBuild, ...slaposRecipeCmmi, ...slaposCookbook, ...shellRecipes, ...zcRecipeEgg];

/** `egg`, `egg:default` and `egg:entry` as one key; a version spec (`egg==1.0:entry`) dropped. */
export function recipeKey(recipe: string): string {
  let [egg, entry] = pyStrip(recipe).split(':') as [string, string | undefined];
  egg = egg.replace(/[<>=!~].*$/, '').replace(/\[.*\]$/, '').trim();
  return entry && entry !== 'default' ? `${egg}:${entry}` : egg;
}

const byName = new Map<string, RecipeSchema>();
for (const spec of RECIPE_SPECS) {
  const schema = makeSchema(spec);
  for (const n of spec.names) byName.set(recipeKey(n), schema);
}

const lookups = new Map<string, RecipeSchema | undefined>();

export function recipeSchema(recipe: string): RecipeSchema | undefined {
  if (lookups.has(recipe)) return lookups.get(recipe);
  const s = byName.get(recipeKey(recipe));
  lookups.set(recipe, s);
  return s;
}

function makeSchema(spec: RecipeSpec): RecipeSchema {
  const known = new Set([...Object.keys(spec.options), ...Object.keys(spec.aliases ?? {}), ...(spec.required ?? []), ...(spec.oneOf ?? []).flat()]);
  return {
    spec,
    knows(option) {
      if (spec.anyOptions || known.has(option)) return true;
      return (spec.optionPrefixes ?? []).some((p) => option.startsWith(p));
    },
    generates(option, read) {
      if (spec.generated?.includes(option)) return true;
      if ((spec.generatedPrefixes ?? []).some((p) => option.startsWith(p))) return true;
      if (spec.generatesUnknown) return spec.generatesUnknown;
      const w = spec.generatesUnknownWith;
      if (w && read(w.option).entry) return w.why;
      return false;
    },
    sectionReferences(read) {
      const out: SectionUse[] = [];
      for (const so of spec.sectionOptions ?? []) {
        const r = read(so.option);
        if (!r.entry) continue;
        if (so.syntax === 'section-list') {
          for (const s of pySplitWhitespace(r.value ?? r.raw ?? '')) if (!s.includes('${')) out.push({ section: s, from: so.option });
        } else {
          out.push(...jinja2Context(r.raw ?? '', r.value, so.option));
        }
      }
      return out;
    },
  };
}

/**
 * The `context` of slapos.recipe.template:jinja2: one `TYPE NAME EXPRESSION`
 * per line. `key`/`jsonkey` name `section:option` (`:option` for the section
 * itself), `section` names a section. Offsets are in the raw value when the
 * line has no `${…}` (otherwise the whole line).
 */
export function jinja2Context(raw: string, value: string | undefined, option: string): SectionUse[] {
  const out: SectionUse[] = [];
  const text = value ?? raw;
  let offset = 0;
  text.split('\n').forEach((line) => {
    const start = offset;
    offset += line.length + 1;
    const m = /^(\s*)(\S+)\s+(\S+)\s+(.*?)\s*$/.exec(line);
    if (!m) return;
    const [, lead, kind, variable, expr] = m as unknown as [string, string, string, string, string];
    const exact = (value === undefined || value === raw) && !line.includes('${');
    const exprStart = start + lead.length + line.slice(lead.length).indexOf(expr, kind.length + variable.length);
    const pos = exact ? { start: exprStart, end: exprStart + expr.length } : {};
    if (kind === 'key' || kind === 'jsonkey') {
      const colon = expr.indexOf(':');
      if (colon < 0 || expr.includes('${')) return;
      out.push({ section: expr.slice(0, colon), option: expr.slice(colon + 1), from: option, kind, variable, ...pos });
    } else if (kind === 'section') {
      if (expr.includes('${')) return;
      out.push({ section: expr, from: option, kind, variable, ...pos });
    } else {
      out.push({ section: '', from: option, kind, variable, ...pos });
    }
  });
  return out;
}
