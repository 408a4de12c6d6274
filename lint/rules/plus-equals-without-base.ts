// plus-equals-without-base: `k +=` (or `k -=`) where no earlier value of k
// exists. In a section no earlier file defines, zc.buildout ≤ 3.0 (and the
// SlapOS fork) keeps it as an option literally named `k +`; in an existing
// section, it adds to an empty value.
import { steps, type Entry } from '../../profile/entry.ts';
import { entryKeySpan } from '../../profile/provenance.ts';
import type { Rule } from '../types.ts';

export const plusEqualsWithoutBase: Rule = {
  meta: {
    id: 'plus-equals-without-base',
    description: '+= or -= on an option no earlier file or macro sets.',
    defaultSeverity: 'warning',
    scope: 'profile',
    details:
      'In a section that no earlier file defines, zc.buildout 2.x/3.0 and the SlapOS fork keep `k +=` as an option named "k +" ' +
      '(k itself stays undefined; zc.buildout >= 3.1.1 turns it into k): warning. On an option an existing section lacks, the ' +
      'result starts with an empty line: info.',
  },
  create(context) {
    return {
      profile(model) {
        if (!model.assembled) return;
        const implicit = new Map<object, { sections: string[]; key: string; op: string; span: import('../../parser/diagnostic.ts').Span | undefined }>();
        for (const name of model.sectionNames()) {
          // what the section adds to the implicit values, kept with its reports (RuleContext.section)
          let starts = model.keptReports<Start>(name, 'plus-equals-without-base:starts');
          context.section(model, name, () => {
            const out: Start[] = [];
            starts = out;
            model.keepReports(name, 'plus-equals-without-base:starts', out);
            if (model.isAbstract(name)) return;
            const raw = model.raw.get(name)!;
            const ex = model.expanded(name);
            const section = ex?.section ?? raw;
            for (const [key, e] of section) {
              if (/[+-]$/.test(key) && !raw.has('<')) {
                const op = key.endsWith('+') ? '+=' : '-=';
                const base = key.replace(/\s*[+-]$/, '');
                context.report({
                  message: `[${name}] ${base} ${op}: no earlier file defines [${name}], so zc.buildout keeps an option named '${key}' and ${base} stays undefined`,
                  span: entryKeySpan(e),
                  hint: `write \`${base} = …\` here (--semantics upstream normalises it)`,
                });
                continue;
              }
              if (startsFromNothing(e)) {
                const op = steps(e)[1]!;
                out.push({ at: op.origin ?? op, key, op: op.op === 'ADD' ? '+=' : '-=', span: op.origin?.node.keySpan });
              }
            }
          });
          for (const st of starts ?? []) {
            const known = implicit.get(st.at);
            if (known) known.sections.push(name);
            else implicit.set(st.at, { sections: [name], key: st.key, op: st.op, span: st.span });
          }
        }
        for (const { sections, key, op, span } of implicit.values()) {
          const more = sections.length > 1 ? ` (and ${sections.length - 1} more section${sections.length > 2 ? 's' : ''} using it)` : '';
          context.report({
            message: `[${sections[0]}] ${key} ${op}: no earlier value, the result starts from an empty value${more}`,
            span,
            certainty: 'unverifiable',
          });
        }
      },
    };
  },
};

/** An option of a section whose value starts from nothing, by the line that added to it. */
interface Start {
  at: object;
  key: string;
  op: string;
  span: import('../../parser/diagnostic.ts').Span | undefined;
}

function startsFromNothing(e: Entry): boolean {
  const s = steps(e);
  return s.length > 1 && s[0]!.source === 'IMPLICIT_VALUE' && (s[1]!.op === 'ADD' || s[1]!.op === 'REMOVE');
}
