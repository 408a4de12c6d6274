// jinja-syntax: a Jinja2 template that does not parse: the template of a
// slapos.recipe.template:jinja2 part (with the part's extensions), an inline
// template, or a Jinja2 instance template file of the run.
import type { Rule } from '../types.ts';
import { parseTemplate } from '../jinja.ts';
import { jinjaSections, templateLineSpan } from '../jinja-sections.ts';

export const jinjaSyntax: Rule = {
  meta: {
    id: 'jinja-syntax',
    description: 'A Jinja2 template that does not parse (with the extensions its section enables), or a jinja2 part whose template file is missing.',
    defaultSeverity: 'error',
    scope: 'profile',
    details:
      'Checked with the project\'s Jinja2 parser (Jinja2 3.1 rules and messages). Error when buildout renders the template (its part is ' +
      'reached), warning otherwise, and warning for a template file checked on its own (its extensions are then assumed: do, loopcontrols).',
  },
  create(context) {
    return {
      profile(model) {
        for (const js of jinjaSections(model)) {
          context.section(
            model,
            js.section,
            () => {
              const certainty = model.certaintyIn(js.section);
              if (js.missing) {
                const e = model.expanded(js.section)?.section.get(js.option!);
                context.report({
                  message: `the template of [${js.section}] does not exist: ${js.file}`,
                  span: e?.history.step.origin?.node.span,
                  certainty,
                });
                return;
              }
              if (js.text === undefined) return;
              const parsed = parseTemplate(js.text, js.file ?? js.section, js.extensions);
              if (!parsed.error) return;
              const unknownTag = /^Encountered unknown tag '(do|break|continue)'/.exec(parsed.error.message);
              context.report({
                message: `Jinja2 syntax error in the template of [${js.section}]: ${parsed.error.message}`,
                span: templateLineSpan(js, parsed.error.lineno),
                certainty,
                hint: unknownTag
                  ? `add ${unknownTag[1] === 'do' ? 'jinja2.ext.do' : 'jinja2.ext.loopcontrols'} to the extensions of [${js.section}]`
                  : undefined,
              });
            },
            js.text,
          );
        }
      },
      file(file) {
        if (file.kind !== 'template' || !file.template?.jinja) return;
        const parsed = parseTemplate(file.text, file.path, ['jinja2.ext.do', 'jinja2.ext.loopcontrols']);
        if (!parsed.error) return;
        const line = file.lines[parsed.error.lineno - 1] ?? '';
        context.report({
          message: `Jinja2 syntax error: ${parsed.error.message}`,
          span: { file: file.path, line: parsed.error.lineno, column: 1, endLine: parsed.error.lineno, endColumn: line.length + 1 },
          certainty: 'weaker',
        });
      },
    };
  },
};
