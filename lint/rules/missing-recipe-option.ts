// missing-recipe-option: a section whose recipe requires an option it does
// not set (or none of a group such as url | inline | template).
import type { Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';
import type { Span } from '../../parser/diagnostic.ts';
import type { Entry } from '../../profile/entry.ts';
import { entryKeySpan } from '../../profile/provenance.ts';
import { sectionSpan } from '../reference-check.ts';

export const missingRecipeOption: Rule = {
  meta: {
    id: 'missing-recipe-option',
    description: 'A section does not set an option its recipe requires (or none of a required group).',
    defaultSeverity: 'error',
    scope: 'profile',
    details:
      'Required options and one-of groups come from the recipe schemas (beside each recipe, recipes/known-schemas.ts for the others); aliases count (template for url, ' +
      'rendered for output). Error when buildout initialises the section (it is reached from parts), warning otherwise.',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            if (hasPlaceholder(name)) return;
            const schema = model.schema(name);
            if (!schema) return;
            const ex = model.expanded(name)!;
            if (ex.error || [...ex.section.keys()].some(hasPlaceholder)) return;
            // a macro base nobody evaluates is completed by the sections that use it
            if (model.isAbstract(name)) return;
            const has = (o: string) => ex.section.has(o) || Object.entries(schema.spec.aliases ?? {}).some(([a, b]) => b === o && ex.section.has(a));
            const missing: string[] = [];
            for (const r of schema.spec.required ?? []) if (!has(r)) missing.push(`'${r}'`);
            for (const g of schema.spec.oneOf ?? []) if (!g.some(has)) missing.push(`one of ${g.map((o) => `'${o}'`).join(', ')}`);
            if (!missing.length) return;
            const recipe = ex.section.get('recipe');
            const span = (recipe && entryKeySpan(recipe)) ?? sectionSpan(model, name);
            const add = [...(schema.spec.required ?? []).filter((r) => !has(r)), ...(schema.spec.oneOf ?? []).filter((g) => !g.some(has)).map((g) => g[0]!)];
            const end = recipe ? entryEnd(recipe) : undefined;
            context.report({
              ...(end ? { fixes: [{ title: `Add ${add.map((o) => `'${o}'`).join(', ')}`, edits: [{ span: end, text: add.map((o) => `\n${o} = `).join('') }] }] } : {}),
              message: `[${name}] uses ${model.recipe(name)} but does not set ${missing.join(' and ')}`,
              span,
              certainty: model.isTemplate && model.open ? 'unverifiable' : model.certaintyIn(name),
              hint: schema.spec.doc,
            });
          });
        }
      },
    };
  },
};

/** The end of the last line of the option line (and continuation lines) that last set an entry: where a new option line goes. */
function entryEnd(e: Entry): Span | undefined {
  const node = e.history.step.origin?.node;
  if (!node) return undefined;
  const last = node.continuation.at(-1);
  const line = last ? last.line : node.line;
  const column = (last ? last.text : node.text).length + 1;
  return { file: node.span.file, line, column, endLine: line, endColumn: column };
}
