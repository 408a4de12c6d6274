// semantics-divergence: an option whose merged value differs between the
// SlapOS fork's semantics and upstream zc.buildout >= 3.1.1 (extends
// flattened instead of nested and applied once, repeated += lines, …).
import { entryKeySpan } from '../../profile/provenance.ts';
import type { Rule } from '../types.ts';
import { buildModel } from '../model.ts';

const LITERAL = new Set(['DEFAULT_VALUE', 'COMPUTED_VALUE']);

function short(v: string | undefined): string {
  if (v === undefined) return 'no value';
  const one = v.replace(/\n/g, '⏎');
  return `'${one.length > 60 ? one.slice(0, 57) + '...' : one}'`;
}

export const semanticsDivergence: Rule = {
  meta: {
    id: 'semantics-divergence',
    description: 'An option whose merged value differs between slapos and upstream semantics.',
    defaultSeverity: 'info',
    offByDefault: true,
    scope: 'profile',
    details:
      'Off by default (turn it on with --rule semantics-divergence=info): upstream semantics re-apply every extended file once per ' +
      'path that reaches it, which costs seconds on large SlapOS trees. Compares the merged configurations (before substitution) of --semantics slapos and upstream (or slapos when linting with ' +
      'upstream). _profile_base_location_ and buildout\'s own defaults are left out: they differ by design.',
  },
  create(context) {
    return {
      async profile(model) {
        if (!model.assembled) return;
        const otherMode = model.mode === 'upstream' ? 'slapos' : 'upstream';
        const other = await buildModel(model.workspace, model.root, otherMode);
        if (!other.assembled) return;
        const a = model.assembled.annotated;
        const b = other.assembled.annotated;
        // one finding per line: `k +=` kept as 'k +' in one mode and merged into k in the other is one difference
        const byLine = new Map<string, { span: import('../../parser/diagnostic.ts').Span; parts: string[] }>();
        for (const name of new Set([...a.keys(), ...b.keys()])) {
          const sa = a.get(name);
          const sb = b.get(name);
          for (const key of new Set([...(sa?.keys() ?? []), ...(sb?.keys() ?? [])])) {
            if (key === '_profile_base_location_') continue;
            const ea = sa?.get(key);
            const eb = sb?.get(key);
            if (ea?.value === eb?.value) continue;
            const src = (ea ?? eb)!.history.step.source;
            if (LITERAL.has(src) && (!ea || !eb || LITERAL.has(eb.history.step.source))) continue;
            const span = (ea && entryKeySpan(ea)) ?? (eb && entryKeySpan(eb));
            if (!span) continue;
            const k = `${span.file}:${span.line}:${span.column}`;
            const text = `${key}: ${model.mode} gives ${short(ea?.value)}, ${otherMode} gives ${short(eb?.value)}`;
            const known = byLine.get(k);
            if (known) known.parts.push(text);
            else byLine.set(k, { span, parts: [`[${name}] ${text}`] });
          }
        }
        for (const { span, parts } of byLine.values()) context.report({ message: parts.join('; '), span });
      },
    };
  },
};
