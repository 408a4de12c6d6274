// invalid-option: a [buildout] option with a value zc.buildout refuses
// (newest = True, an unknown log-level, install-from-cache with offline, …).
import { BuildoutError } from '../../parser/diagnostic.ts';
import { Buildout } from '../../profile/buildout.ts';
import type { Rule } from '../types.ts';

export const invalidOption: Rule = {
  meta: {
    id: 'invalid-option',
    description: 'A [buildout] option value zc.buildout rejects when it starts (newest, offline, log-level, …).',
    defaultSeverity: 'error',
    scope: 'profile',
  },
  create(context) {
    return {
      profile(model) {
        for (const d of model.loadErrors) {
          if (d.rule === 'extends-cycle') continue;
          context.report({ message: d.message, span: d.span, chain: d.chain, hint: d.hint });
        }
        if (!model.assembled) return;
        try {
          new Buildout(model.assembled).initialise();
        } catch (e) {
          if (!(e instanceof BuildoutError)) throw e;
          const d = e.primary;
          if (d.rule !== 'invalid-option') return;
          const b = model.raw.get('buildout');
          const name = /'([a-z-]+)' option|logging level|verbosity/.exec(d.message);
          const key = name?.[1] ?? (d.message.includes('logging level') ? 'log-level' : d.message.includes('verbosity') ? 'verbosity' : undefined);
          const span = d.span ?? (key ? b?.get(key)?.history.step.origin?.node.span : undefined);
          context.report({ message: d.message.trim().replace(/\s*\n\s*/g, ' '), span, certainty: model.isTemplate ? 'weaker' : 'definite' });
        }
      },
    };
  },
};
