// redundant-override: an option set again, in a later file, to the value
// it already had.
import { steps } from '../../profile/entry.ts';
import type { Rule } from '../types.ts';

export const redundantOverride: Rule = {
  meta: {
    id: 'redundant-override',
    description: 'An option set again (in a later file of the extends tree) to the value it already had.',
    defaultSeverity: 'info',
    scope: 'profile',
    details: 'Values using ${:_profile_base_location_} are not compared: the same text means another directory in another file.',
  },
  create(context) {
    return {
      profile(model) {
        const config = model.assembled?.annotated;
        if (!config) return;
        for (const [section, options] of config) {
          for (const [option, e] of options) {
            if (e.history.prev === null || e.value.includes('_profile_base_location_')) continue;
            let current: string | undefined;
            let previous: (typeof e.history.step)['origin'];
            for (const step of steps(e)) {
              if (step.op === 'OVERRIDE' && current === step.value && step.origin && previous && step.origin.node !== previous.node && step.source !== 'IMPLICIT_VALUE') {
                context.report({
                  message: `[${section}] ${option} is set to the value it already has`,
                  span: step.origin.node.keySpan,
                  related: [{ message: 'the same value was set here', span: previous.node.keySpan }],
                  hint: 'remove this line',
                });
              }
              if (step.op === 'SET' || step.op === 'OVERRIDE') current = step.value;
              else if (step.op === 'ADD') current = (current ?? '') + '\n' + step.value;
              else if (step.op === 'REMOVE') {
                const drop = new Set(step.value.split('\n'));
                current = (current ?? '').split('\n').filter((l) => !drop.has(l)).join('\n');
              } else current = step.value;
              previous = step.origin ?? previous;
            }
          }
        }
      },
    };
  },
};
