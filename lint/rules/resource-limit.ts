// resource-limit: an option whose references nest deeper, or whose value
// expands larger, than a run accepts (profile/options.ts): tsbuildout
// stops there with an error, zc.buildout overflows its stack (at about 150
// references deep) or its memory (a "billion laughs").
import { MAX_REFERENCE_NESTING, MAX_VALUE_LENGTH } from '../../profile/options.ts';
import { oversizedValues } from '../reference-check.ts';
import type { Rule } from '../types.ts';

export const resourceLimit: Rule = {
  meta: {
    id: 'resource-limit',
    description: `References nested more than ${MAX_REFERENCE_NESTING} deep, or a value that expands to more than ${MAX_VALUE_LENGTH} characters.`,
    defaultSeverity: 'error',
    scope: 'profile',
    details: 'Reported at the outermost option of each chain; error when its section is evaluated by buildout, warning otherwise.',
  },
  create(context) {
    return {
      profile(model) {
        for (const o of oversizedValues(model, MAX_REFERENCE_NESTING, MAX_VALUE_LENGTH)) {
          const what =
            o.depth > MAX_REFERENCE_NESTING
              ? `references nested ${o.depth} deep (a run stops at ${MAX_REFERENCE_NESTING})`
              : `a value that would expand to more than ${MAX_VALUE_LENGTH} characters`;
          context.report({
            message: `\${${o.section}:${o.option}}: ${what}`,
            span: o.span,
            certainty: model.certaintyIn(o.section),
            hint: o.depth > MAX_REFERENCE_NESTING ? 'shorten the chain of references' : 'references that repeat each other grow exponentially',
          });
        }
      },
    };
  },
};
