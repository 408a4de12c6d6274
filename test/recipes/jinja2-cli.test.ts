// `tsbuildout render-template`: one template rendered as the jinja2 recipe
// renders it, from a JSON context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), ...args], { cwd, encoding: 'utf8' });

test('render-template: context kinds, --import, --extension, --output', async () => {
  await withTree(
    {
      't.j2': "{% import 'lib' as lib %}{% import 'dir/m.j2' as m %}{% set l = [] %}{% do l.append(x) %}{{ lib.f(l) }} {{ m.g() }} {{ dumps(s) }} {{ j.dumps(d, sort_keys=True) }}\n",
      'lib.j2': '{% macro f(v) %}<{{ v }}>{% endmacro %}',
      'dir/m.j2': '{% macro g() %}g{% endmacro %}',
      'c.json': '{"x": 1.0, "s": {"__py__": "{(1, 2)}"}, "j": {"__import__": "json"}, "d": {"b": [1, null], "a": true}}',
    },
    async (dir) => {
      const r = cli(dir, 'render-template', 't.j2', '--context-json', 'c.json', '--import', 'lib=lib.j2', '--import=dir=dir', '--extension', 'jinja2.ext.do');
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      assert.equal(r.stdout, '<[1.0]> g !py!{(1, 2)} {"a": true, "b": [1, null]}');
      const o = cli(dir, 'render-template', 't.j2', '--context-json=c.json', '--import=lib=lib.j2', '--import=dir=dir', '--extension=jinja2.ext.do', '--output', 'out');
      assert.equal(o.status, 0);
      assert.equal(readFileSync(join(dir, 'out'), 'utf8'), '<[1.0]> g !py!{(1, 2)} {"a": true, "b": [1, null]}');
    },
  );
});

test('render-template: errors are one line and exit status 1', async () => {
  await withTree({ 'bad.j2': 'a\n{{ nope }}', 'syntax.j2': '\n{% if %}', 'c.json': '{"len": 1}' }, async (dir) => {
    let r = cli(dir, 'render-template', 'bad.j2');
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "Error: bad.j2: UndefinedError: 'nope' is undefined\n");
    r = cli(dir, 'render-template', 'syntax.j2');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^Error: syntax\.j2:2: TemplateSyntaxError: Expected an expression, got 'end of statement block'\n$/);
    r = cli(dir, 'render-template', 'bad.j2', '--context-json', 'c.json');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Duplicate context entry 'len'/);
    r = cli(dir, 'render-template');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /give one TEMPLATE/);
  });
});
