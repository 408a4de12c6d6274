// invalid-substitution: `${…}` that zc.buildout refuses: no colon, too
// many colons, characters outside [-a-zA-Z0-9 ._] in a name.
import { referenceProblems } from '../reference-check.ts';
import type { Rule } from '../types.ts';
import { where } from './util.ts';

const WORDS = {
  'no-colon': "doesn't contain a colon",
  'too-many-colons': 'has too many colons',
  'bad-section': 'has invalid characters in its section name',
  'bad-option': 'has invalid characters in its option name',
} as const;

export const invalidSubstitution: Rule = {
  meta: {
    id: 'invalid-substitution',
    description: 'A ${…} reference zc.buildout rejects: missing colon, too many colons, invalid characters.',
    defaultSeverity: 'error',
    scope: 'profile',
    details: 'Write $${ for a literal ${ (a shell variable, for instance). Error when buildout evaluates the value, warning otherwise.',
  },
  create(context) {
    return {
      profile(model) {
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            for (const p of referenceProblems(model, name)) {
              if (p.kind !== 'invalid') continue;
              const r = p.ref;
              const problem = r.ref.problem!;
              context.report({
                message: `The substitution ${r.ref.text} ${WORDS[problem]} (${where(r)})`,
                span: r.span,
                certainty: p.certainty,
                hint:
                  problem === 'no-colon'
                    ? `a reference is \${section:option}; for a literal \${ (a shell variable) write $\${${r.ref.text.slice(2)}`
                    : 'a reference is ${section:option} (or ${:option}); names use letters, digits, space and - . _',
              });
            }
          });
        }
      },
    };
  },
};
