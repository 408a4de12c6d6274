// condition-error: a section condition that raises when evaluated for the
// target environment (other than an unknown name).
import type { Rule } from '../types.ts';

export const conditionError: Rule = {
  meta: {
    id: 'condition-error',
    description: 'A section condition raises an exception for the target environment (--env).',
    defaultSeverity: 'warning',
    scope: 'file',
    details: 'The section is then treated as absent. It is a warning: the outcome may depend on the machine that runs buildout.',
  },
  create(context) {
    return {
      file(_file, facts) {
        for (const [header, outcome] of facts.conditions) {
          if (!outcome.error || outcome.unknownNames.some((u) => u.raised)) continue;
          context.report({
            message: `the condition of [${header.name}] raises ${outcome.error}`,
            span: header.condition!.span,
            hint: 'zc.buildout stops with an internal error when a condition raises',
          });
        }
      },
    };
  },
};
