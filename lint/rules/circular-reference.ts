// circular-reference: options whose values reference each other in a
// loop, printed as the path zc.buildout does not give; `<=` macro loops.
import { referenceCycles } from '../reference-check.ts';
import type { Rule } from '../types.ts';

export const circularReference: Rule = {
  meta: {
    id: 'circular-reference',
    description: 'References that form a cycle (shown as a path), and macros that extend themselves.',
    defaultSeverity: 'error',
    scope: 'profile',
    details: 'Error when one of the sections on the cycle is evaluated by buildout, warning otherwise.',
  },
  create(context) {
    return {
      profile(model) {
        for (const c of referenceCycles(model)) {
          const names = c.path.map((p) => `\${${p.section}:${p.option}}`);
          const first = c.path[0]!;
          context.report({
            message: `Circular reference in substitutions: ${[...names, names[0]].join(' -> ')}`,
            span: first.ref.span,
            certainty: c.certainty,
            related: c.path.slice(1).map((p) => ({ message: `${p.ref.ref.text} in [${p.section}] ${p.option}`, ...(p.ref.span ? { span: p.ref.span } : {}) })),
            hint: 'break the cycle: one of these options must not depend on the others',
          });
        }
        for (const name of model.sectionNames()) {
          const ex = model.expanded(name);
          if (!ex?.error || ex.error.rule !== 'circular-reference') continue;
          context.report({ message: ex.error.message, span: ex.error.span, certainty: model.certaintyIn(name) });
        }
      },
    };
  },
};
