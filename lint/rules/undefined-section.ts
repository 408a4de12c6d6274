// undefined-section: `${section:option}` (or a `<=` macro) naming a section
// the profile does not define.
import { referenceProblems } from '../reference-check.ts';
import type { Rule } from '../types.ts';
import { didYouMean, replaceBy, unsure, where } from './util.ts';

export const undefinedSection: Rule = {
  meta: {
    id: 'undefined-section',
    description: 'A reference or a macro names a section that does not exist.',
    defaultSeverity: 'error',
    scope: 'profile',
    details:
      'Error when buildout evaluates the reference (its section is reached from [buildout] parts); warning when nothing evaluates it. ' +
      'Sections slapgrid appends to instance profiles ([slap-connection], …), sections named by Jinja2 expressions, and profiles whose ' +
      'extends tree is incomplete are never reported as errors; a likely typo there is info.',
  },
  create(context) {
    return {
      profile(model) {
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            for (const p of referenceProblems(model, name)) {
              if (p.kind !== 'undefined-section') continue;
              const r = p.ref;
              context.report({
                message: `The referenced section, '${r.target}', was not defined (${r.ref.text} ${where(r)})${p.certainty === 'unverifiable' ? unsure(p.why) : ''}`,
                span: r.span,
                certainty: p.certainty,
                hint: didYouMean(p.near, (s) => `\${${s}:${r.ref.option}}`),
                related: p.related,
                fixes: replaceBy(r.span, p.near.map((s) => `\${${s}:${r.ref.option}}`)),
              });
            }
          });
        }
        // macros: `<= name` with no such section
        for (const name of model.sectionNames()) {
          const ex = model.expanded(name);
          if (!ex?.error || ex.error.rule !== 'undefined-section') continue;
          const missing = /^No section named '(.*)'$/.exec(ex.error.message)?.[1];
          const existence = missing !== undefined && !missing.includes(' ') ? model.sectionExistence(missing) : undefined;
          if (existence?.status === 'unknown') continue;
          context.report({
            message: ex.error.message,
            span: ex.error.span,
            certainty: model.certaintyIn(name),
            hint: ex.error.hint ?? (missing?.includes(' ') ? 'name one macro per line: `<= a` then `   b` on the next line' : undefined),
          });
        }
      },
    };
  },
};
