// A jinja2 part's context importing a module tsbuildout has no host
// implementation of: the module lives in the run's Python (the bridge) and
// every use goes there, so the output is what Python's Jinja2 renders with
// the real module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pythonAnswers } from '../../scripts/lib/jinja-recipe-corpus.ts';
import { withTree } from '../helpers/files.ts';
import { installedOptions, profile, run, writeProfile } from '../recipes/run.ts';

const MODULES = { ipaddress: 'ipaddress', textwrap: 'textwrap', collections: 'collections', pathlib: 'pathlib', string: 'string', decimal: 'decimal' };

const TEMPLATE = [
  "{% set net = ipaddress.ip_network('10.0.0.0/30') -%}",
  '{{ net }} {{ net.num_addresses }} {% for h in net.hosts() %}{{ h }},{% endfor %} {{ net.netmask | string }}',
  "{{ ipaddress.ip_address('10.0.0.1') in net }} {{ ipaddress.ip_address('::1').version }} {{ ipaddress.ip_address(x | int) }}",
  "{{ textwrap.shorten('hello big world', width=10) }} {{ textwrap.nothere is defined }} {{ textwrap.dedent(text='  a\\n  b') }}",
  "{{ collections.OrderedDict([('a', 1)]) }} {{ collections.namedtuple('P', 'a b')(1, 2).b }}",
  "{% set c = collections.Counter('abca') %}{{ c['a'] }} {{ c.most_common(1) }} {{ c | length }} {{ c.items() | list }} {{ 'b' in c }}",
  "{{ ipaddress.ip_address('10.0.0.1') + 1 }} {{ ipaddress.ip_address('10.0.0.1') < ipaddress.ip_address('10.0.0.2') }} {{ -collections.Counter(a=-2) }} {{ 'ab' * collections.Counter(a=1)['a'] }}",
  "{% for h in ipaddress.ip_network('10.0.0.0/8').hosts() %}{{ h }}{% if loop.index > 40 %}{% break %}{% endif %},{% endfor %} {{ string.ascii_lowercase | list | length }} {{ string.Template('$a-$b').substitute(a=1, b='x') }}",
  "{% set a = ipaddress.ip_address('10.0.0.1') %}{{ {a: 'x'}[ipaddress.ip_address('10.0.0.1')] }} {{ a == ipaddress.ip_address('10.0.0.1') }} {{ a != a }} {{ [ipaddress.ip_address('10.0.0.2'), a] | sort | join(',') }} {{ [ipaddress.ip_address('10.0.0.2'), a] | max }}",
  "{{ collections.Counter(a=2, b=1) | dictsort }} {{ collections.OrderedDict(a=1) | list }} {{ a ~ '!' }} {{ '%s' % a }} {{ '{}'.format(a) }} {{ a.packed }} {{ a.exploded | replace('.', '-') }}",
  "{{ ipaddress.ip_address is sameas ipaddress.ip_address }} {{ a is callable }} {{ ipaddress.ip_address is callable }} {{ collections.OrderedDict(a=1) is mapping }} {{ a is mapping }} {{ a in [a] }} {{ [a] | unique | list | length }} {{ collections.namedtuple('P', 'x y')(1, 2) | join('+') }}",
  "{{ decimal.Decimal('1.5') is number }} {{ decimal.Decimal('1.5') is float }} {{ decimal.Decimal('1.5') + 1 }} {{ 2 * decimal.Decimal('1.5') }} {{ -decimal.Decimal('1.5') }} {{ decimal.Decimal('1.5') > 1 }}",
  "{{ pathlib.PurePosixPath('/a/b') / 'c' }} {{ (pathlib.PurePosixPath('/a/b.txt')).suffix }} {{ pathlib.PurePosixPath('/x') == pathlib.PurePosixPath('/x') }}",
  '',
].join('\n');

function jinjaPart(template: string, imports: Record<string, string>): string {
  const context = Object.entries(imports).map(([name, module]) => `  import ${name} ${module}`);
  return profile(
    ['t'],
    `[t]
recipe = slapos.recipe.template:jinja2
extensions = jinja2.ext.loopcontrols
output = \${buildout:directory}/out.txt
context =
${context.join('\n')}
  raw x 3
inline =
${template.split('\n').map((l) => (l ? '  ' + l : '')).join('\n')}
`,
  );
}

test('modules tsbuildout does not provide are used in the run\'s Python, as Python\'s Jinja2 uses them', async (t) => {
  await withTree({}, async (dir) => {
    writeProfile(dir, jinjaPart(TEMPLATE, MODULES));
    const r = await run(dir);
    assert.deepEqual(r.report.installed, ['t']);
    const ours = readFileSync(join(dir, 'out.txt'), 'utf8');
    // a few facts without the reference, then the reference itself
    assert.match(ours, /^10\.0\.0\.0\/30 4 10\.0\.0\.1,10\.0\.0\.2, 255\.255\.255\.252\nTrue 6 0\.0\.0\.3\n\[\.\.\.\] False a\nb\n/);
    const python = pythonAnswers([
      {
        id: 'imports', source: TEMPLATE.replace(/\n$/, ''), cwd: dir, encoding: 'utf-8', extensions: ['jinja2.ext.loopcontrols'], delimiter: '/', imports: [],
        context: [...Object.entries(MODULES).map(([name, module]) => ({ name, module })), { name: 'x', repr: JSON.stringify('3') }],
      },
    ]);
    if (!python) {
      t.skip('/usr/bin/python3 with jinja2 and six is not available');
      return;
    }
    const want = python.imports!;
    assert.ok('ok' in want, JSON.stringify(want));
    assert.equal(ours, Buffer.from(want.ok, 'base64').toString('utf8'));
  });
});

test('a Python exception raised by an imported module names the part and keeps .installed.cfg consistent', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, jinjaPart("{{ ipaddress.ip_network('10.0.0.0/30').num_addresses }}\n", { ipaddress: 'ipaddress' }));
    await run(dir);
    writeProfile(dir, jinjaPart("before\n{{ ipaddress.ip_address('nope') }}\n", { ipaddress: 'ipaddress' }));
    await assert.rejects(run(dir), (e: Error) => {
      assert.match(String(e.message), /\[t\] rendering <inline>: ValueError: 'nope' does not appear to be an IPv4 or IPv6 address/);
      return true;
    });
    // an operand that is None is an operand, not a unary operator
    writeProfile(dir, jinjaPart("{{ decimal.Decimal(1) + none }}\n", { decimal: 'decimal' }));
    await assert.rejects(run(dir), (e: Error) => {
      assert.match(String(e.message), /TypeError: unsupported operand type\(s\) for \+: 'decimal.Decimal' and 'NoneType'/);
      return true;
    });
    // the failed part was uninstalled first and is not recorded as installed
    assert.equal(installedOptions(dir, 't'), undefined);
    assert.equal(existsSync(join(dir, 'out.txt')), false);
  });
});

test('a module the run\'s Python cannot import is the recipe\'s ModuleNotFoundError, at init', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, jinjaPart('x\n', { nope: 'tsbuildout_no_such_module' }));
    await assert.rejects(run(dir), (e: Error) => {
      assert.match(String(e.message), /\[t\] context: ModuleNotFoundError: No module named 'tsbuildout_no_such_module'/);
      return true;
    });
  });
});
