// condition-unknown-name: a section condition reading a name zc.buildout
// does not define (`python310` under zc.buildout 2.x, `sys_version`, …):
// a NameError, which zc.buildout reports as an internal error.
import type { Rule } from '../types.ts';
import { nearest } from '../../profile/suggest.ts';
import { conditionGlobals } from '../conditions.ts';

export const conditionUnknownName: Rule = {
  meta: {
    id: 'condition-unknown-name',
    description: 'A section condition uses a name zc.buildout does not define (NameError).',
    defaultSeverity: 'error',
    scope: 'file',
    details:
      'The names are those of the selected --semantics (python36 is the last pythonXY of zc.buildout 2.x, python315 of 3.x). ' +
      'Error when evaluating the condition for the target environment (--env) raises the NameError; warning when the name is only ' +
      'read on another environment (after `and`/`or`).',
  },
  create(context) {
    return {
      file(_file, facts) {
        const globals = [...conditionGlobals(facts.semantics)];
        for (const [header, outcome] of facts.conditions) {
          for (const u of outcome.unknownNames) {
            const c = header.condition!.span;
            const col = c.column + u.pos;
            const near = nearest(u.name, globals);
            context.report({
              message: `name '${u.name}' is not defined in the condition of [${header.name}]${u.raised ? '' : ' (not evaluated for the target environment)'}`,
              span: { file: c.file, line: c.line, column: col, endLine: c.line, endColumn: col + u.name.length },
              certainty: u.raised ? 'definite' : 'weaker',
              hint: near.length
                ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`
                : u.name.startsWith('python')
                  ? `zc.buildout (${facts.semantics.mode}) defines python${facts.semantics.pythonGlobals[facts.semantics.pythonGlobals.length - 1]} at most; use sys.version_info`
                  : 'conditions can use sys, os, platform, re, python2/python3/pythonXY, cpython, pypy, linux, posix, bits32/bits64, … and the builtins',
            });
          }
        }
      },
    };
  },
};
