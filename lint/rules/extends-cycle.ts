// extends-cycle: files that extend each other, as a path.
import type { Rule } from '../types.ts';

export const extendsCycle: Rule = {
  meta: {
    id: 'extends-cycle',
    description: 'Files that extend each other in a loop (the path of files).',
    defaultSeverity: 'error',
    scope: 'profile',
    details: 'Paths are compared normalised (zc.buildout only notices a loop when the same spelling comes back, and may recurse until Python fails).',
  },
  create(context) {
    return {
      profile(model) {
        for (const d of model.loadErrors) {
          if (d.rule !== 'extends-cycle') continue;
          context.report({ message: d.message, span: d.span, chain: d.chain, hint: 'remove one of the extends entries on the loop' });
        }
      },
    };
  },
};
