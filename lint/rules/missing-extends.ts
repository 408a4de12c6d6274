// missing-extends: an `extends` entry naming a file that does not exist,
// with the chain of files that led to it; a remote file lint cannot read
// offline (info).
import type { Rule } from '../types.ts';
import { PLACEHOLDER } from '../template.ts';

export const missingExtends: Rule = {
  meta: {
    id: 'missing-extends',
    description: 'An extends entry names a file that does not exist (with the chain of files that include it).',
    defaultSeverity: 'error',
    scope: 'profile',
    details:
      'zc.buildout does not substitute ${…} in extends: such an entry is a missing file too. A remote (URL) extends file that is not in ' +
      'the extends-cache is reported as info: lint works offline. Checks that depend on the missing file are skipped.',
  },
  create(context) {
    return {
      profile(model) {
        for (const ev of model.events) {
          if (ev.location.name.includes(PLACEHOLDER)) continue;
          if (ev.kind === 'missing') {
            context.report({
              message: `extends file ${ev.location.name} does not exist`,
              span: ev.includer?.span,
              chain: ev.chain,
              hint: ev.location.name.includes('${')
                ? 'zc.buildout does not substitute ${…} in extends'
                : /(^|\/)#/.test(ev.location.name)
                  ? 'an indented comment line inside extends = is read as a file name; put comments in column 0'
                  : undefined,
              certainty: model.isTemplate ? 'weaker' : 'definite',
            });
          } else if (ev.kind === 'remote') {
            context.report({
              message: `remote extends file ${ev.location.name} was not checked: lint does not download (${ev.message.replace(/\s+/g, ' ').trim()})`,
              span: ev.includer?.span,
              chain: ev.chain,
              certainty: 'unverifiable',
              hint: 'set extends-cache to a directory holding a copy to lint through it',
            });
          }
        }
      },
    };
  },
};
