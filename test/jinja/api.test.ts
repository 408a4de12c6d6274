// The Environment API as the jinja2 recipe uses it: options, loaders (the
// recipe's import-list is a PrefixLoader that also takes a bare alias),
// render variables, custom filters and globals, typed errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ChoiceLoader,
  DictLoader,
  Environment,
  FileLoader,
  FileSystemLoader,
  FunctionLoader,
  PrefixLoader,
  TemplateNotFound,
  TemplateSyntaxError,
  contextFromJS,
  pyFunction,
} from '../../jinja/index.ts';
import { PyDict, PyException, PyList, hostFunction, str, type PyValue } from '../../python/index.ts';
import { repoRoot } from '../python/repo.ts';

const fixtures = join(repoRoot(), 'fixtures', 'jinja', 'templates');

test('render variables: a Map, a plain object or a dict', () => {
  const t = new Environment().fromString('{{ a }}-{{ b|join(",") }}');
  assert.equal(t.render(new Map<string, PyValue>([['a', 1n], ['b', new PyList(['x', 'y'])]])), '1-x,y');
  assert.equal(t.render({ a: 'o', b: new PyList([]) }), 'o-');
  assert.equal(t.render(new PyDict([['a', null], ['b', new PyList([true])]])), 'None-True');
  assert.equal(t.render(contextFromJS({ a: 1.5, b: [1, 2] })), '1.5-1,2');
});

test('a template parses once and renders many times', () => {
  const env = new Environment({ extensions: ['jinja2.ext.do'] });
  const t = env.fromString('{% set l = [] %}{% do l.append(n) %}{{ l }}');
  assert.equal(t.render({ n: 1n }), '[1]');
  assert.equal(t.render({ n: 'b' }), "['b']");
  assert.throws(() => new Environment().fromString('{% do x %}'), /Encountered unknown tag 'do'/);
});

test('strict undefined by default, default undefined on request', () => {
  assert.throws(
    () => new Environment().fromString('{{ missing }}').render(),
    (e: unknown) => e instanceof PyException && e.pyType === 'UndefinedError' && e.message === "'missing' is undefined",
  );
  assert.equal(new Environment({ undefined: 'default' }).fromString('[{{ missing }}]').render(), '[]');
});

test('syntax errors carry the line and the template name', () => {
  const env = new Environment();
  assert.throws(() => env.fromString('a\n{% if %}', 'profile.cfg.in'), (e: unknown) => {
    assert.ok(e instanceof TemplateSyntaxError);
    assert.equal(e.lineno, 2);
    assert.equal(e.templateName, 'profile.cfg.in');
    assert.equal(e.message, "Expected an expression, got 'end of statement block'");
    assert.equal(e.located, `Expected an expression, got 'end of statement block'\n  File "profile.cfg.in", line 2`);
    assert.equal(e.column, 7);
    return true;
  });
  assert.throws(() => env.fromString('x {{ a ! b }}'), (e: unknown) => e instanceof TemplateSyntaxError && e.column === 8);
});

test('the import-list loader: prefixes, bare aliases and folders', () => {
  const loader = new PrefixLoader(
    {
      caucase: new FileLoader(join(fixtures, 'macros.j2')),
      parts: new FileSystemLoader(fixtures),
    },
    { bareAlias: true },
  );
  const env = new Environment({ loader });
  const t = env.fromString(
    "{% import 'caucase' as caucase with context %}{{ caucase.greet('you') }}|{% include 'parts/sub/part.j2' %}",
  );
  assert.equal(t.render({ value: 'v' }), 'Hello you|sub v');
  assert.throws(() => env.getTemplate('parts/nope.j2'), TemplateNotFound);
  assert.throws(() => new Environment({ loader: new PrefixLoader({ a: new DictLoader({}) }) }).getTemplate('a'), TemplateNotFound);
});

test('getTemplate caches compiled templates by name', () => {
  let loads = 0;
  const env = new Environment({
    loader: new FunctionLoader((name) => {
      loads++;
      return name === 'x' ? 'X' : null;
    }),
  });
  assert.equal(env.getTemplate('x'), env.getTemplate('x'));
  assert.equal(loads, 1);
  assert.equal(env.getTemplate('x').render(), 'X');
});

test('a choice of loaders', () => {
  const env = new Environment({ loader: new ChoiceLoader([new DictLoader({ a: 'A' }), new DictLoader({ b: 'B' })]) });
  assert.equal(env.fromString("{% include 'b' %}{% include 'a' %}").render(), 'BA');
});

test('custom filters and host globals', () => {
  const env = new Environment({
    globals: { shout: hostFunction('shout', (args) => str(args[0] ?? null).toUpperCase() + '!') },
    filters: {
      twice: pyFunction('twice', null, [{ name: 'value' }], (b) => str(b.get('value')!).repeat(2)),
    },
  });
  assert.equal(env.fromString("{{ shout('hey') }} {{ 'ab'|twice }}").render(), 'HEY! abab');
  assert.throws(() => env.fromString("{{ 'a'|twice(1) }}").render(), /twice\(\) takes 1 positional argument but 2 were given/);
});

test('extensions: unknown names are refused', () => {
  assert.throws(() => new Environment({ extensions: ['jinja2.ext.i18n.nope'] }), PyException);
});

test('options: trim_blocks, lstrip_blocks, keep_trailing_newline', () => {
  const src = '  {% if 1 %}\nx\n  {% endif %}\n';
  assert.equal(new Environment().fromString(src).render(), '  \nx\n  ');
  assert.equal(new Environment({ trimBlocks: true, lstripBlocks: true }).fromString(src).render(), 'x\n');
  assert.equal(new Environment({ keepTrailingNewline: true }).fromString('a\n').render(), 'a\n');
});

test('unbounded recursion is a RecursionError, not a JavaScript stack overflow', () => {
  const t = new Environment().fromString('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}');
  assert.throws(() => t.render(), (e: unknown) => e instanceof PyException && e.pyType === 'RecursionError');
});
