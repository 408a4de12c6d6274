// part-without-recipe: a part whose section has no `recipe` option (buildout
// fails with "Missing option: part:recipe" when installing), or an empty
// one (buildout skips the part silently: info).
import type { Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';

export const partWithoutRecipe: Rule = {
  meta: {
    id: 'part-without-recipe',
    description: 'A part listed in [buildout] parts has no recipe option (install fails), or an empty one (never installed).',
    defaultSeverity: 'error',
    scope: 'profile',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        const seen = new Set<string>();
        for (const p of model.partEntries()) {
          if (seen.has(p.name) || hasPlaceholder(p.name) || !model.raw.has(p.name)) continue;
          seen.add(p.name);
          const ex = model.expanded(p.name)!;
          if (ex.error) continue;
          const recipe = model.recipe(p.name);
          if (recipe === undefined) {
            if ([...ex.section.keys()].some(hasPlaceholder) || (model.isTemplate && model.open)) continue;
            context.report({
              message: `The part '${p.name}' has no recipe: buildout fails with "Missing option: ${p.name}:recipe" when it installs the parts`,
              span: p.span,
              certainty: model.isTemplate ? 'weaker' : 'definite',
              hint: `add a recipe to [${p.name}], or remove it from parts`,
            });
          } else if (recipe === '') {
            context.report({
              message: `The part '${p.name}' has an empty recipe: buildout skips it`,
              span: p.span,
              maxSeverity: 'info',
            });
          }
        }
      },
    };
  },
};
