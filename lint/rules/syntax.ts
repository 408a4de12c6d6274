// syntax: every line of a file that is not buildout syntax, not only the
// first one zc.buildout stops at; a file that is not UTF-8 text; a section
// condition that is not a valid expression. In a template, a line the
// masked Jinja2 touches is reported one step lower.
import type { Rule } from '../types.ts';
import { PLACEHOLDER } from '../template.ts';

export const syntax: Rule = {
  meta: {
    id: 'syntax',
    description: 'Lines that are not buildout syntax (all of them, with a hint), undecodable files, malformed conditions.',
    defaultSeverity: 'error',
    scope: 'file',
    details:
      'zc.buildout collects every bad line of a file but reports them without a location, and stops at the first file. ' +
      'In Jinja2 templates the text around the Jinja2 blocks is checked; a bad line inside a maybe-present block or next to a ' +
      'Jinja2 expression is a warning, since the rendering decides what it becomes.',
  },
  create(context) {
    return {
      file(file, facts) {
        if (file.decodeError) {
          context.report({ message: file.decodeError.message, span: file.decodeError.span });
          return;
        }
        for (const d of facts.sections.errors) {
          const line = d.span?.line ?? 0;
          const t = file.template;
          const touched =
            t !== undefined &&
            (t.maybeLines.has(line) || t.openLines.has(line) || t.openLines.has(line - 1) || (file.maskedLines[line - 1] ?? '').includes(PLACEHOLDER) || file.lines[line - 1] !== file.maskedLines[line - 1] || /[-+][%#]\}\s*$/.test(file.lines[line - 2] ?? '') || /^\s*\{[%#][-+]/.test(file.lines[line] ?? ''));
          // a line the Jinja2 masking touched renders as the template decides: cannot be sure
          context.report({ message: d.message, span: d.span, hint: d.hint, certainty: touched ? 'unverifiable' : t ? 'weaker' : 'definite' });
        }
        for (const [header, outcome] of facts.conditions) {
          if (!outcome.syntaxError) continue;
          const c = header.condition!.span;
          const col = c.column + outcome.syntaxError.column;
          context.report({
            message: `the condition of [${header.name}] is neither a PEP 508 marker nor a Python expression: ${outcome.syntaxError.message}`,
            span: { file: c.file, line: c.line, column: col, endLine: c.line, endColumn: col + 1 },
            hint: 'zc.buildout raises a SyntaxError when it reads this header',
          });
        }
      },
    };
  },
};
