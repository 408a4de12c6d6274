// insecure-extends: an extends entry fetched over plain http://.
import { isPySpaceCode } from '../../python/index.ts';
import { valueSpan } from '../../parser/references.ts';
import type { Rule } from '../types.ts';

export const insecureExtends: Rule = {
  meta: {
    id: 'insecure-extends',
    description: 'An extends file fetched over http:// (no integrity, no authenticity).',
    defaultSeverity: 'warning',
    scope: 'file',
  },
  create(context) {
    return {
      file(_file, facts) {
        const b = facts.sections.sections.get('buildout');
        for (const key of ['extends', 'optional-extends']) {
          const raw = b?.options.get(key);
          if (!raw) continue;
          const v = raw.value;
          let i = 0;
          while (i < v.length) {
            while (i < v.length && isPySpaceCode(v.charCodeAt(i))) i++;
            const start = i;
            while (i < v.length && !isPySpaceCode(v.charCodeAt(i))) i++;
            const name = v.slice(start, i);
            if (!/^http:\/\//i.test(name)) continue;
            context.report({
              message: `extends file ${name} is fetched over plain http`,
              span: valueSpan(raw.file, v, raw.positions, start, i),
              hint: `use https://${name.slice(7)}`,
            });
          }
        }
      },
    };
  },
};
