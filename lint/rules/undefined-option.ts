// undefined-option: `${section:option}` naming an option the section does
// not have once initialised, with the nearest option and where it is set.
import { referenceProblems } from '../reference-check.ts';
import type { Rule } from '../types.ts';
import { didYouMean, replaceBy, unsure, where } from './util.ts';

export const undefinedOption: Rule = {
  meta: {
    id: 'undefined-option',
    description: 'A reference names an option its section does not define (nor its recipe sets).',
    defaultSeverity: 'error',
    scope: 'profile',
    details:
      'Options a recipe sets when its section is initialised (location, port, passwd, connection-*, …) come from the recipe schemas. ' +
      'When the recipe is unknown or may set anything (slapos.recipe.build `init` code), the option cannot be checked: nothing is ' +
      'reported unless the name is close to an existing one (info). A section reading its own missing option while nothing evaluates it ' +
      '(a macro, an abstract section) is info.',
  },
  create(context) {
    return {
      profile(model) {
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            for (const p of referenceProblems(model, name)) {
              if (p.kind !== 'undefined-option') continue;
              const r = p.ref;
              context.report({
                message: `Referenced option does not exist: ${r.target} ${r.ref.option} (${r.ref.text} ${where(r)})${p.certainty === 'unverifiable' ? unsure(p.why) : ''}`,
                span: r.span,
                certainty: p.certainty,
                hint: didYouMean(p.near, (s) => `\${${r.ref.section}:${s}}`),
                related: p.related,
                fixes: replaceBy(r.span, p.near.map((s) => `\${${r.ref.section}:${s}}`)),
              });
            }
          });
        }
      },
    };
  },
};
