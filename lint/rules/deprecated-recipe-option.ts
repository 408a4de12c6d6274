// deprecated-recipe-option: an option its recipe still accepts under an
// old name (slapos.recipe.template `template`, `rendered`).
import type { Rule } from '../types.ts';
import { entryKeySpan } from '../../profile/provenance.ts';
import { hasPlaceholder } from '../template.ts';

export const deprecatedRecipeOption: Rule = {
  meta: {
    id: 'deprecated-recipe-option',
    description: 'An option its recipe only accepts under an old name.',
    defaultSeverity: 'info',
    scope: 'profile',
  },
  create(context) {
    return {
      profile(model) {
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            if (hasPlaceholder(name)) return;
            const schema = model.schema(name);
            if (!schema) return;
            const raw = model.raw.get(name)!;
            for (const [key, spec] of Object.entries(schema.spec.options)) {
              const e = raw.get(key);
              if (!e || !spec.deprecated) continue;
              context.report({ message: `[${name}] ${key} is deprecated in ${model.recipe(name)}: use ${spec.deprecated}`, span: entryKeySpan(e) });
            }
          });
        }
      },
    };
  },
};
