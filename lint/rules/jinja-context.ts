// jinja-context: the `context` of a slapos.recipe.template:jinja2 section
// names a section or an option that does not exist, defines a name twice,
// uses an unknown type; or its template reads a name the context does
// not give (StrictUndefined makes that an error when the line renders).
import type { Rule } from '../types.ts';
import { contextSections } from '../../recipes/jinja2/context.ts';
import { freeTemplateNames, parseTemplate } from '../jinja.ts';
import { jinjaSections, templateLineSpan } from '../jinja-sections.ts';
import { entrySpan } from '../../profile/provenance.ts';
import { weakest } from '../reference-check.ts';
import { nearest } from '../../profile/suggest.ts';
import { RECIPE_GLOBALS } from '../jinja.ts';

const TYPES = new Set(['key', 'raw', 'section', 'import', 'json', 'jsonkey']);

export const jinjaContext: Rule = {
  meta: {
    id: 'jinja-context',
    description: 'A jinja2 context names a missing section or option, or its template uses a name the context does not give.',
    defaultSeverity: 'error',
    scope: 'profile',
    details:
      'Context entries are resolved when the section is initialised: a missing section or option is an error when buildout reaches ' +
      'the section. A template name the context does not give is a warning (it fails only when the line renders).',
  },
  create(context) {
    return {
      profile(model) {
        for (const js of jinjaSections(model)) {
          context.section(
            model,
            js.section,
            () => {
              const owner = js.section;
              if (model.isAbstract(owner)) return;
              const base = model.certaintyIn(owner);
              const entry = model.expanded(owner)?.section.get('context');
              const names = new Set<string>();
              let complete = true;
              if (entry) {
                const value = model.value(owner, 'context');
                if (value === undefined) complete = false;
                const seen = new Map<string, import('../../parser/diagnostic.ts').Span | undefined>();
                for (const u of contextSections(entry.value, value, 'context')) {
                  const span = u.start !== undefined ? entrySpan(entry, u.start, u.end!) : entry.history.step.origin?.node.span;
                  if (u.variable) {
                    // in a template, the two lines may be the branches of an {% if %}
                    if (seen.has(u.variable) && !model.isMaybe(span) && !model.isMaybe(seen.get(u.variable))) {
                      const first = seen.get(u.variable);
                      context.report({
                        message: `the context of [${owner}] defines '${u.variable}' twice`,
                        span,
                        certainty: base,
                        related: first ? [{ message: 'first defined here', span: first }] : [],
                      });
                    }
                    seen.set(u.variable, span);
                    names.add(u.variable);
                  }
                  if (u.kind && !TYPES.has(u.kind)) {
                    context.report({
                      message: `the context of [${owner}] uses the unknown type '${u.kind}'`,
                      span,
                      certainty: base,
                      hint: 'types are key, raw, section, import, json and jsonkey',
                    });
                    continue;
                  }
                  if (u.kind !== 'key' && u.kind !== 'jsonkey' && u.kind !== 'section') continue;
                  const target = u.section || owner;
                  const sec = model.sectionExistence(target);
                  if (sec.status === 'missing') {
                    const near = nearest(target, model.sectionNames());
                    context.report({
                      message: `the context of [${owner}] reads section '${target}', which does not exist (${u.kind} ${u.variable})`,
                      span,
                      certainty: weakest(base, sec.certainty),
                      hint: near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : undefined,
                    });
                    continue;
                  }
                  if (sec.status !== 'defined' || u.option === undefined) continue;
                  const opt = model.optionExistence(target, u.option);
                  if (opt.status !== 'missing') continue;
                  const near = nearest(u.option, [...(model.expanded(target)?.section.keys() ?? [])]);
                  context.report({
                    message: `the context of [${owner}] reads ${target}:${u.option}, which does not exist (${u.kind} ${u.variable})`,
                    span,
                    certainty: weakest(base, opt.certainty),
                    hint: near.length ? `did you mean ${near.map((n) => `'${target}:${n}'`).join(' or ')}?` : undefined,
                  });
                }
              }
              if (!complete || js.text === undefined) return;
              const parsed = parseTemplate(js.text, js.file ?? owner, js.extensions);
              if (!parsed.template) return;
              for (const [name, lineno] of freeTemplateNames(parsed.template)) {
                if (names.has(name)) continue;
                const near = nearest(name, [...names, ...RECIPE_GLOBALS]);
                context.report({
                  message: `the template of [${owner}] uses '${name}', which its context does not define`,
                  span: templateLineSpan(js, lineno),
                  certainty: base === 'definite' ? 'weaker' : 'unverifiable',
                  hint: near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : `add a line to the context of [${owner}], e.g. \`raw ${name} …\` or \`key ${name} section:option\``,
                  related: entry?.history.step.origin ? [{ message: `the context of [${owner}]`, span: entry.history.step.origin.node.span }] : [],
                });
              }
            },
            js.text,
          );
        }
      },
    };
  },
};
