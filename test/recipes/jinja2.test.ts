// slapos.recipe.template:jinja2 run in real profiles: files, modes,
// context kinds, import-list, once, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuildout, type RunOptions } from '../../executor/run.ts';
import { readInstalled } from '../../executor/installed.ts';
import { BuildoutError } from '../../parser/diagnostic.ts';
import { withTree } from '../helpers/files.ts';

async function runIn(dir: string, extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const report = await runBuildout({
    config: join(dir, 'buildout.cfg'),
    cwd: dir,
    userDefaults: false,
    executable: '/usr/bin/python3',
    env: { python: '3.11' },
    logger: { info: (m) => lines.push(m), warning: (m) => lines.push('WARNING ' + m), debug: () => undefined },
    ...extra,
  });
  return { report, lines };
}

const cfg = (...lines: string[]) => ['[buildout]', 'parts = t', ...lines].join('\n') + '\n';
const modeOf = (p: string) => statSync(p).mode & 0o777;
const umask = process.umask();

async function errorOf(dir: string): Promise<string> {
  try {
    await runIn(dir);
  } catch (e) {
    if (e instanceof BuildoutError) return e.primary.message;
    throw e;
  }
  assert.fail('expected an error');
}

test('url template with key, raw, section, json, jsonkey, import contexts', async () => {
  await withTree(
    {
      'buildout.cfg': cfg(
        '[t]',
        'recipe = slapos.recipe.template:jinja2',
        'url = ${buildout:directory}/t.in',
        'output = ${buildout:directory}/out/t',
        'context =',
        '  key bar section:key',
        '  key recipe :recipe',
        '  raw knight Ni !',
        '  json words ["Peng", "Neee-wom"]',
        '  jsonkey later section:later-words',
        '  import json_module json',
        '  section param_dict parameter-collection',
        '[parameter-collection]',
        'foo = 1',
        'bar = bar',
        '[section]',
        'key = value',
        'later-words = {"a": [1, 2.5, null]}',
      ),
      't.in':
        '{{bar}}\nKnights who say "{{knight}}"\n${this:is_literal}\n${foo:{{bar}}}\n' +
        'swallow: {{ json_module.dumps(("african", "european")) }}\nparameters from section: {{ param_dict | dictsort }}\n' +
        '{{ words }} {{ later }}\nRendered with {{recipe}}\n',
    },
    async (dir) => {
      const { report } = await runIn(dir);
      assert.deepEqual(report.installed, ['t']);
      assert.equal(
        readFileSync(join(dir, 'out', 't'), 'utf8'),
        'value\nKnights who say "Ni !"\n${this:is_literal}\n${foo:value}\nswallow: ["african", "european"]\n' +
          "parameters from section: [('bar', 'bar'), ('foo', '1')]\n['Peng', 'Neee-wom'] {'a': [1, 2.5, None]}\n" +
          'Rendered with slapos.recipe.template:jinja2',
      );
      assert.equal(modeOf(join(dir, 'out', 't')), 0o666 & ~umask);
      const installed = readInstalled(join(dir, '.installed.cfg'));
      assert.equal(installed.options.get('t')!.get('__buildout_installed__'), join(dir, 'out', 't'));
      // the part depends on the sections its context reads (the fork's signature)
      assert.match(installed.options.get('t')!.get('__buildout_signature__')!, /parameter-collection:[0-9a-f]{32}/);
      assert.match(installed.options.get('t')!.get('__buildout_signature__')!, /section:[0-9a-f]{32}/);
    },
  );
});

test('inline, legacy template = inline: and rendered, typed values and dumps, builtins, six, assert', async () => {
  await withTree(
    {
      'buildout.cfg': cfg(
        '[t]',
        'recipe = slapos.recipe.template:jinja2',
        'template = inline:',
        "  {{ d['k'] | sort }} {{ dumps(d) }} {{ dumps('a\\nb') }} {{ len(d) }} {{ sorted(set([3, 1])) }}",
        "  {{ six.PY3 }} {{ assert(True) }}{{ repr(s) }} {{ max(1, 2) }}",
        'rendered = ${buildout:directory}/t',
        'context =',
        '  key d :d',
        '  key s :s',
        "d = !py!{'k': [2, 1]}",
        's = x$${y}',
      ),
    },
    async (dir) => {
      await runIn(dir);
      assert.equal(
        readFileSync(join(dir, 't'), 'utf8'),
        "[1, 2] !py!{'k': [2, 1]} !py!'a\\nb' 1 [1, 3]\nTrue 'x${y}' 2",
      );
    },
  );
});

test('mode, shebang default, same bytes only fix the mode, once', async () => {
  const profile = (mode: string, once = '') =>
    cfg(
      '[t]',
      'recipe = slapos.recipe.template:jinja2',
      'inline = #!/bin/sh',
      '  echo {{ 1 + 1 }}',
      'output = ${buildout:directory}/bin/t.sh',
      mode,
      '[o]',
      'recipe = slapos.recipe.template:jinja2',
      'inline = once',
      'output = ${buildout:directory}/o',
      'once = ${buildout:directory}/o.done',
      once,
    ).replace('parts = t', 'parts = t o');
  await withTree({ 'buildout.cfg': profile('') }, async (dir) => {
    const out = join(dir, 'bin', 't.sh');
    const { lines } = await runIn(dir);
    assert.equal(readFileSync(out, 'utf8'), '#!/bin/sh\necho 2');
    assert.equal(modeOf(out), 0o777 & ~umask);
    // once: rendered, marker created, nothing recorded (so never removed)
    assert.equal(readFileSync(join(dir, 'o'), 'utf8'), 'once');
    assert.ok(existsSync(join(dir, 'o.done')));
    assert.equal(readInstalled(join(dir, '.installed.cfg')).options.get('o')!.get('__buildout_installed__'), '');
    assert.ok(lines.some((l) => l.includes('The o install returned None')));
    writeFileSync(join(dir, 'o'), 'changed');
    // the same bytes: an update only fixes the mode (the file is not replaced)
    chmodSync(out, 0o600);
    const ino = statSync(out).ino;
    await runIn(dir);
    assert.equal(statSync(out).ino, ino);
    assert.equal(modeOf(out), 0o777 & ~umask);
    assert.equal(readFileSync(join(dir, 'o'), 'utf8'), 'changed', 'once: not rendered again');
    writeFileSync(join(dir, 'buildout.cfg'), profile('mode = 0640'));
    await runIn(dir);
    assert.equal(modeOf(out), 0o640);
    writeFileSync(join(dir, 'buildout.cfg'), profile('mode = 700'));
    writeFileSync(out, 'other');
    await runIn(dir);
    assert.equal(modeOf(out), 0o700);
    assert.equal(readFileSync(out, 'utf8'), '#!/bin/sh\necho 2');
  });
});

test('import-list: file, rawfile, folder; the bare alias; no builtins in an import without context', async () => {
  await withTree(
    {
      'buildout.cfg': cfg(
        '[t]',
        'recipe = slapos.recipe.template:jinja2',
        'url = t.in',
        'output = t',
        'extensions = jinja2.ext.do',
        'import-list =',
        '  file lib lib:path',
        '  rawfile raw ${buildout:directory}/raw.j2',
        '  rawfolder dir ${buildout:directory}/macros',
        '[lib]',
        'path = ${buildout:directory}/lib.j2',
      ),
      't.in':
        "{% import 'lib' as lib %}{% from 'raw' import r with context %}{% import 'dir/sub/m.j2' as m %}" +
        "{% set l = [] %}{% do l.append(1) %}{{ lib.f(2) }} {{ r() }} {{ m.g() }} {{ l }}\n",
      'lib.j2': '{% macro f(x) %}f{{ x }}{{ range(2) | list }}{% endmacro %}',
      'raw.j2': '{% macro r() %}{{ len([1]) }}{% endmacro %}',
      'macros/sub/m.j2': '{% macro g() %}{{ len is defined }}{% endmacro %}',
    },
    async (dir) => {
      await runIn(dir);
      assert.equal(readFileSync(join(dir, 't'), 'utf8'), 'f2[0, 1] 1 False [1]');
    },
  );
});

test('encoding of the template and of the output', async () => {
  await withTree(
    {
      'buildout.cfg': cfg('[t]', 'recipe = slapos.recipe.template:jinja2', 'url = t.in', 'output = t', 'encoding = latin-1'),
    },
    async (dir) => {
      writeFileSync(join(dir, 't.in'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x7b, 0x7b, 0x20, 0x31, 0x20, 0x7d, 0x7d]));
      await runIn(dir);
      assert.deepEqual([...readFileSync(join(dir, 't'))], [0x63, 0x61, 0x66, 0xe9, 0x31]);
    },
  );
});

const failing: [string, string[], RegExp][] = [
  ['duplicate context entry', ['context =', '  raw a 1', '  raw a 2'], /Duplicate context entry 'a'/],
  ['a context name that is a builtin', ['context = raw len 1'], /Duplicate context entry 'len'/],
  ['short context line', ['context = raw a'], /not enough values to unpack \(expected 3, got 2\)/],
  ['unknown context type', ['context = foo a b'], /KeyError: 'foo'/],
  ['module the run\'s Python lacks', ['context = import f tsbuildout_absent_module'], /\[t\] context: ModuleNotFoundError: No module named 'tsbuildout_absent_module'/],
  ['missing option', ['context = key a x:y', '[x]'], /Missing option: x:y/],
  ['bad json', ['context = json a {'], /JSONDecodeError/],
  ['bad mode', ['mode = 9'], /invalid literal for int\(\) with base 8: '9'/],
  ['undefined variable', ['inline = {{ nope }}'], /UndefinedError: 'nope' is undefined/],
  ['syntax error', ['inline = {% if %}'], /TemplateSyntaxError/],
  ['failed assert', ['inline = {{ assert(False, "no way") }}'], /AssertionError: no way/],
  ['md5sum mismatch', ['url = t.in', 'md5sum = 00000000000000000000000000000000'], /MD5 checksum mismatch for local resource at 't.in'/],
  ['no template', [], /no template/],
  ['unknown extension', ['inline = x', 'extensions = jinja2.ext.nope'], /No module named 'jinja2.ext'|nope/],
];

for (const [what, lines, error] of failing) {
  test(`error: ${what}`, async () => {
    const hasTemplate = lines.some((l) => /^(inline|url) =/.test(l));
    await withTree(
      {
        'buildout.cfg': cfg('[t]', 'recipe = slapos.recipe.template:jinja2', 'output = ${buildout:directory}/t', ...(hasTemplate || what === 'no template' ? [] : ['inline = x']), ...lines),
        't.in': 'x',
      },
      async (dir) => {
        assert.match(await errorOf(dir), error);
      },
    );
  });
}
