// The linter's view of the recipe schemas (recipes/schema-registry.ts):
// for a recipe name, whether the recipe reads an option, whether it sets
// one, and which sections its options name.
import type { Entry } from '../profile/entry.ts';
import { pySplitWhitespace, pyStrip } from '../python/index.ts';
import type { RecipeSchema as SchemaData } from '../recipes/schema.ts';
import { namedSchemas } from '../recipes/schema-registry.ts';
import { contextSections, type SectionUse } from '../recipes/jinja2/context.ts';

/** What a schema answers, whatever its data. */
export interface RecipeSchema {
  spec: SchemaData;
  /** true: the recipe sets it; false: it does not; a string: it may (why). */
  generates(option: string, read: OptionReader): true | false | string;
  /** Does the recipe read this option (directly, through an alias or a prefix)? */
  knows(option: string): boolean;
  /** Sections (and options) named by the section's options, read at initialisation. */
  sectionReferences(read: OptionReader): SectionUse[];
}

export type OptionReader = (option: string) => { value: string | undefined; raw: string | undefined; entry: Entry | undefined };

/** `egg`, `egg:default` and `egg:entry` as one key; a version spec (`egg==1.0:entry`) dropped. */
export function recipeKey(recipe: string): string {
  let [egg, entry] = pyStrip(recipe).split(':') as [string, string | undefined];
  egg = egg.replace(/[<>=!~].*$/, '').replace(/\[.*\]$/, '').trim();
  return entry && entry !== 'default' ? `${egg}:${entry}` : egg;
}

let byName: Map<string, RecipeSchema> | undefined;

function schemasByName(): Map<string, RecipeSchema> {
  if (byName) return byName;
  byName = new Map();
  for (const { names, schema } of namedSchemas()) {
    const view = makeSchema(schema);
    for (const n of names) byName.set(recipeKey(n), view);
  }
  return byName;
}

const lookups = new Map<string, RecipeSchema | undefined>();

export function recipeSchema(recipe: string): RecipeSchema | undefined {
  if (lookups.has(recipe)) return lookups.get(recipe);
  const s = schemasByName().get(recipeKey(recipe));
  lookups.set(recipe, s);
  return s;
}

function makeSchema(spec: SchemaData): RecipeSchema {
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
          out.push(...contextSections(r.raw ?? '', r.value, so.option));
        }
      }
      return out;
    },
  };
}
