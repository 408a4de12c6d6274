// minus-equals-absent: `k -= line` where the line is not in the value.
import { steps } from '../../profile/entry.ts';
import { valueSpan } from '../../parser/references.ts';
import type { Rule } from '../types.ts';

export const minusEqualsAbsent: Rule = {
  meta: {
    id: 'minus-equals-absent',
    description: '-= removes a line the value does not have (nothing is removed).',
    defaultSeverity: 'warning',
    scope: 'profile',
    details: 'zc.buildout removes whole lines: `-= a b` removes the line "a b", not a and b.',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        const seen = new Set<object>();
        for (const [name, raw] of model.raw) {
          const section = model.expanded(name)?.section ?? raw;
          for (const [key, e] of section) {
            let current = '';
            for (const step of steps(e)) {
              if (step.op === 'REMOVE' && step.source !== 'IMPLICIT_VALUE' && step.origin && !seen.has(step.origin)) {
                seen.add(step.origin);
                const have = new Set(current.split('\n'));
                let offset = 0;
                for (const line of step.value.split('\n')) {
                  const start = offset;
                  offset += line.length + 1;
                  if (line === '' || have.has(line)) continue;
                  const o = step.origin;
                  context.report({
                    certainty: model.isTemplate ? (model.open ? 'unverifiable' : 'weaker') : 'definite',
                    message: `[${name}] ${key} -= '${line}': the value has no such line, nothing is removed`,
                    span: valueSpan(o.file, o.value === step.value ? o.value : step.value, o.positions, start, start + line.length) ?? o.node.keySpan,
                    hint: current.split('\n').some((l) => l.split(/\s+/).includes(line)) || line.includes(' ') ? '-= removes whole lines: put each item on its own line' : undefined,
                  });
                }
              }
              if (step.op === 'SET' || step.op === 'OVERRIDE' || step.op === 'DIRECTORY') current = step.value;
              else if (step.op === 'ADD') current = current + '\n' + step.value;
              else if (step.op === 'REMOVE') {
                const drop = new Set(step.value.split('\n'));
                current = current.split('\n').filter((l) => !drop.has(l)).join('\n');
              }
            }
          }
        }
      },
    };
  },
};
