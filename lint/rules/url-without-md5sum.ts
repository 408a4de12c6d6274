// url-without-md5sum: a recipe downloads a remote `url` with no `md5sum`
// to check it.
import { entryKeySpan } from '../../profile/provenance.ts';
import { pyStrip } from '../../python/index.ts';
import type { Rule } from '../types.ts';
import { hasPlaceholder } from '../template.ts';

export const urlWithoutMd5sum: Rule = {
  meta: {
    id: 'url-without-md5sum',
    description: 'A recipe downloads a remote url without a md5sum to check it.',
    defaultSeverity: 'warning',
    scope: 'profile',
    details: 'Only recipes that download (slapos.recipe.cmmi, slapos.recipe.build:download…, slapos.recipe.template) and only remote URLs.',
  },
  create(context) {
    return {
      profile(model) {
        for (const name of model.sectionNames()) {
          context.section(model, name, () => {
            if (hasPlaceholder(name) || model.isAbstract(name)) return;
            const schema = model.schema(name);
            const dl = schema?.spec.download;
            if (!dl) return;
            const ex = model.expanded(name)!;
            const e = ex.section.get(dl.url);
            if (!e || ex.section.has(dl.md5sum)) return;
            const url = pyStrip(model.value(name, dl.url) ?? e.value);
            if (!/^(https?|ftp):\/\//i.test(url)) return;
            context.report({
              message: `[${name}] downloads ${url} with no ${dl.md5sum} to check it`,
              span: entryKeySpan(e),
              certainty: model.certaintyIn(name),
              hint: `add ${dl.md5sum} = <the MD5 of the file>`,
            });
          });
        }
      },
    };
  },
};
