// minus-equals-absent: `k -= line` where the line is not in the value.
import { steps } from '../../profile/entry.ts';
import { valueSpan } from '../../parser/references.ts';
import type { Report, Rule } from '../types.ts';
import type { ProfileModel } from '../model.ts';

interface Removal {
  origin: object;
  reports: Report[];
}

/** The `-=` lines that made a section's values, each with what it did not remove. */
function sectionRemovals(model: ProfileModel, name: string): Removal[] {
  const out: Removal[] = [];
  const section = model.expanded(name)?.section ?? model.raw.get(name)!;
  for (const [key, e] of section) {
    let current = '';
    for (const step of steps(e)) {
      if (step.op === 'REMOVE' && step.source !== 'IMPLICIT_VALUE' && step.origin) {
        const reports: Report[] = [];
        out.push({ origin: step.origin, reports });
        const have = new Set(current.split('\n'));
        let offset = 0;
        for (const line of step.value.split('\n')) {
          const start = offset;
          offset += line.length + 1;
          if (line === '' || have.has(line)) continue;
          const o = step.origin;
          reports.push({
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
  return out;
}

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
        for (const name of model.sectionNames()) {
          // each `-=` line of the section with its reports, kept with its facts: reported for the first section it is seen in
          let removals = model.keptReports<Removal>(name, 'minus-equals-absent');
          if (!removals) model.keepReports(name, 'minus-equals-absent', (removals = sectionRemovals(model, name)));
          for (const r of removals) {
            if (seen.has(r.origin)) continue;
            seen.add(r.origin);
            for (const report of r.reports) context.report(report);
          }
        }
      },
    };
  },
};
