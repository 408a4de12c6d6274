// part-without-section: `[buildout] parts` lists a section that does not exist.
import type { Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';
import { nearest } from '../../profile/suggest.ts';
import { didYouMean } from './util.ts';

export const partWithoutSection: Rule = {
  meta: {
    id: 'part-without-section',
    description: 'A part listed in [buildout] parts has no section.',
    defaultSeverity: 'error',
    scope: 'profile',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        const commentLines = new Set<string>();
        for (const p of model.partEntries()) {
          if (hasPlaceholder(p.name)) continue;
          const lineKey = p.span ? `${p.span.file}:${p.span.line}` : '';
          if (lineKey && commentLines.has(lineKey)) continue;
          if (p.name.startsWith('#') && p.span) {
            commentLines.add(lineKey);
            context.report({
              message: `[buildout] parts lists '${p.name}' and the words after it on this line: an indented # line inside a value is part of the value, not a comment`,
              span: p.span,
              certainty: model.isTemplate ? 'weaker' : 'definite',
              hint: 'put the comment in column 0',
            });
            continue;
          }
          const e = model.sectionExistence(p.name);
          if (e.status === 'defined') continue;
          const near = nearest(p.name, model.sectionNames().filter((n) => !hasPlaceholder(n)));
          if (e.status === 'unknown' && !near.length) continue;
          context.report({
            message: `The part '${p.name}' listed in [buildout] parts has no section${e.status === 'unknown' ? ` (cannot verify: ${e.why})` : ''}`,
            span: p.span,
            certainty: e.status === 'unknown' ? 'unverifiable' : model.isTemplate ? 'weaker' : 'definite',
            hint: didYouMean(near),
          });
        }
      },
    };
  },
};
