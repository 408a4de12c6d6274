// Property tests: whatever the input, the lexer, parser and renderer fail
// only with typed errors (TemplateSyntaxError or another Python exception),
// never with a JavaScript TypeError or RangeError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Environment } from '../../jinja/environment.ts';
import { builtins } from '../../python/builtins.ts';
import { PyException } from '../../python/exceptions.ts';
import { evaluateExpression } from '../../python/expr/evaluate.ts';

const PIECES = [
  '{{', '}}', '{%', '%}', '{#', '#}', '{%-', '-%}', '{{-', '-}}', ' ', '\n', 'x', 'y', '1', '2.5', '"s"', "'t'", '(', ')', '[', ']',
  '{', '}', ',', ':', '.', '|', '+', '-', '*', '/', '//', '%', '**', '~', '==', '<', 'not', 'and', 'or', 'in', 'is', 'if', 'else',
  'elif', 'endif', 'for', 'endfor', 'set', 'endset', 'macro', 'endmacro', 'call', 'endcall', 'do', 'break', 'continue', 'raw',
  'endraw', 'with', 'endwith', 'filter', 'endfilter', 'include', 'import', 'from', 'as', 'loop', 'range', 'upper', 'join', 'default',
  'defined', 'none', 'True', '=', 'caller', 'namespace', 'ns', 'recursive', 'block', 'endblock', 'extends', 'super', 'self',
];

const template = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((a) => a.join(''));

function typedOnly(f: () => unknown): boolean {
  try {
    f();
  } catch (e) {
    if (e instanceof PyException) return true;
    throw e;
  }
  return true;
}

test('templates: only typed errors', () => {
  const env = new Environment({
    undefined: 'default',
    extensions: ['jinja2.ext.do', 'jinja2.ext.loopcontrols'],
    globals: new Map(builtins),
  });
  fc.assert(
    fc.property(template, (src) => typedOnly(() => env.fromString(src).render({ x: 3n, y: 'abc' }))),
    { numRuns: 3000 },
  );
});

test('python expressions: only typed errors', () => {
  const pieces = ['1', '0', '2.5', '"a"', 'x', '[', ']', '(', ')', '{', '}', ',', ':', '+', '-', '*', '/', '//', '%', '**', '<', '==',
    'and', 'or', 'not', 'in', 'is', 'if', 'else', 'for', 'lambda', 'len', 'sorted', '.', 'split', 'upper', '*', ' '];
  const expr = fc.array(fc.constantFrom(...pieces), { maxLength: 20 }).map((a) => a.join(' '));
  fc.assert(fc.property(expr, (src) => typedOnly(() => evaluateExpression(src, new Map([['x', 'a b']])))), { numRuns: 3000 });
  assert.ok(true);
});
