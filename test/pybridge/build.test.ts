// slapos.recipe.build through the Python bridge: init computing options
// that other sections read (typed values included), install writing files,
// update, compared with the real zc.buildout where the profile is plain
// zc.buildout (string values).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { installedOptions, profile, read, run, writeProfile } from '../recipes/run.ts';
import { copyFixture, realBuildout, realBuildoutAvailable, record, scriptAsDevelopEgg, tree } from './harness.ts';

test('fixtures/pybridge/build: init, install and update code give what the real zc.buildout gives', async () => {
  await withTree({}, async (ts) => {
    copyFixture('build', ts);
    const first = await run(ts);
    // [report] reads [settings] through a reference, [files] reads [computed] (which reads [settings] in its init)
    assert.deepEqual(first.report.installed, ['settings', 'report', 'computed', 'files']);
    assert.equal(read(join(ts, 'report.txt')), "7d793037 settings 'default'\n");
    assert.equal(read(join(ts, 'parts', 'files', 'words.txt')), 'WORLD WORLD WORLD\n');
    const second = await run(ts);
    assert.deepEqual(second.report.updated, ['settings', 'report', 'computed', 'files']);
    assert.equal(read(join(ts, 'parts', 'files', 'updates.txt')), 'updated files\n');
    // the reading part depends on what it read: a change there reinstalls it
    assert.match(installedOptions(ts, 'computed')!.get('__buildout_signature__')!, / settings:[0-9a-f]{32}$/);

    if (!realBuildoutAvailable()) return;
    await withTree({}, async (zc) => {
      copyFixture('build', zc);
      scriptAsDevelopEgg(zc);
      for (let i = 0; i < 2; i++) {
        const r = realBuildout(zc);
        assert.equal(r.status, 0, r.output);
      }
      assert.deepEqual(tree(ts), tree(zc));
      assert.equal(read(join(ts, 'report.txt')), read(join(zc, 'report.txt')));
      const a = record(ts);
      const b = record(zc);
      // zc.buildout 2.13 moves updated parts to the end; the SlapOS fork keeps the order
      assert.deepEqual([...a.parts].sort(), [...b.parts].sort());
      assert.deepEqual(a.options, b.options);
    });
  });
});

test('typed values: init stores Python objects, other sections read them back as objects (SlapOS fork)', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['consumer', 'text'],
        `[typed]
recipe = slapos.recipe.build
init =
  options['list'] = [1, 'two', 3.5, None, True]
  options['dict'] = {'a': (1, 2), 'b': {'x'}, 3: b'\\x00bytes'}
  options['int'] = 2 ** 70
  options['float'] = 0.1 + 0.2
  options['none'] = None
  options['frozen'] = frozenset(['only'])
  options['str'] = 'plain $ text'

[consumer]
recipe = slapos.recipe.build
list = \${typed:list}
dict = \${typed:dict}
int = \${typed:int}
fexpr = !py!f"{1 + 1}-{'x'}"
install =
  import os
  lines = []
  for k in ('list', 'dict', 'int', 'fexpr'):
      v = options[k]
      lines.append('%s %s %r' % (k, type(v).__name__, v))
  v = self.buildout['typed']
  lines.append('float %r none %r frozen %r str %r' % (v['float'], v['none'], v['frozen'], v['str']))
  with open(location, 'w') as f:
      f.write('\\n'.join(lines) + '\\n')

[text]
recipe = slapos.recipe.template
inline = \${typed:list} / \${typed:str}
output = \${buildout:directory}/text
`,
      ),
    );
    await run(dir);
    assert.equal(
      read(join(dir, 'parts', 'consumer')),
      "list list [1, 'two', 3.5, None, True]\n" +
        "dict dict {'a': (1, 2), 'b': {'x'}, 3: b'\\x00bytes'}\n" +
        'int int 1180591620717411303424\n' +
        "fexpr str '2-x'\n" +
        "float 0.30000000000000004 none None frozen frozenset({'only'}) str 'plain $ text'\n",
    );
    assert.equal(read(join(dir, 'text')), "!py![1, 'two', 3.5, None, True] / plain $ text");
    const saved = installedOptions(dir, 'consumer')!;
    assert.equal(saved.get('dict'), "!py!{'a': (1, 2), 'b': {'x'}, 3: b'\\x00bytes'}");
    assert.equal(saved.get('int'), '!py!1180591620717411303424');
  });
});

test('install without install code runs update; location is then not created nor recorded', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(['u'], "[u]\nrecipe = slapos.recipe.build\nupdate =\n  open(self.buildout['buildout']['directory'] + '/ran', 'a').write('x')\n"),
    );
    await run(dir);
    await run(dir);
    assert.equal(read(join(dir, 'ran')), 'xx');
    assert.equal(existsSync(join(dir, 'parts', 'u')), false);
    assert.equal(installedOptions(dir, 'u')!.get('__buildout_installed__'), '');
  });
});

test('install replaces an existing location, and a failing install leaves nothing behind', async () => {
  await withTree({}, async (dir) => {
    const part = (fail: boolean) =>
      profile(['p'], `[p]\nrecipe = slapos.recipe.build\nfail = ${fail}\ninstall =\n  import os\n  os.makedirs(os.path.join(location, 'sub'))\n  if options['fail'] == 'true': raise RuntimeError('asked to fail')\n`);
    writeProfile(dir, part(true));
    await assert.rejects(run(dir), /\[p\] install, line 3: RuntimeError: asked to fail/);
    assert.equal(existsSync(join(dir, 'parts', 'p')), false);
    writeFileSync(join(dir, 'parts', 'p'), 'in the way');
    writeProfile(dir, part(false));
    const r = await run(dir);
    assert.ok(r.lines.some((l) => /p: Removing already existing path '.*parts\/p'/.test(l)), r.lines.join('\n'));
    assert.deepEqual(readdirSync(join(dir, 'parts', 'p')), ['sub']);
  });
});

test('-v shows which path runs each part', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(['code', 'data', 'native'], '[code]\nrecipe = slapos.recipe.build\ninit = options["x"] = "1"\n[data]\nrecipe = slapos.recipe.build\n[native]\nrecipe = slapos.cookbook:mkdirectory\n'),
    );
    const debug: string[] = [];
    await run(dir, { logger: { info: () => undefined, warning: () => undefined, debug: (m) => debug.push(m) } });
    assert.ok(debug.includes('Part code: recipe slapos.recipe.build, runs through the Python bridge (init).'), debug.join('\n'));
    assert.ok(debug.includes('Part data: recipe slapos.recipe.build, native.'));
    assert.ok(debug.includes('Part native: recipe slapos.cookbook:mkdirectory, native.'));
    assert.ok(debug.some((l) => /^Python bridge: started .* \(Python 3\.\d+\.\d+\) in \d+ ms$/.test(l)));
  });
});

test('no bridge process when no part needs Python', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['data'], '[data]\nrecipe = slapos.recipe.build\nx = 1\n'));
    const debug: string[] = [];
    await run(dir, { logger: { info: () => undefined, warning: () => undefined, debug: (m) => debug.push(m) } });
    assert.ok(!debug.some((l) => l.startsWith('Python bridge')));
  });
});

test('self.buildout.parse(): sections added and initialised (their recipes become parts), as the monitor stack does', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['macro'],
        `[macro]
recipe = slapos.recipe.build
name = generated
init =
  def parse_section(section):
      self.buildout.parse(section % options)
  parse_section("""
  [%(name)s-dir]
  recipe = slapos.cookbook:mkdirectory
  path = \${buildout:directory}/%(name)s
  [%(name)s-data]
  value = $\${%(name)s-dir:path}/file
  """)
  options['generated'] = self.buildout['generated-data']['value']
  try:
      self.buildout.parse('[macro]\\nx = 1\\n')
  except KeyError as e:
      options['again'] = repr(e.args)
`,
      ),
    );
    const r = await run(dir);
    assert.deepEqual(r.report.installed, ['generated-dir', 'macro']);
    assert.ok(existsSync(join(dir, 'generated')));
    const saved = installedOptions(dir, 'macro')!;
    assert.equal(saved.get('generated'), join(dir, 'generated', 'file'));
    assert.equal(saved.get('again'), "('Section already exists', 'macro')");
    const again = await run(dir);
    assert.deepEqual(again.report.uninstalled, []);
  });
});

test('inline code imports modules of the release eggs (newest or pinned), as buildout has its eggs on sys.path', async () => {
  await withTree({}, async (dir) => {
    for (const version of ['1.0', '2.0']) {
      const egg = join(dir, 'eggs', `tsbtest_helper-${version}-py3.11.egg`);
      mkdirSync(join(egg, 'EGG-INFO'), { recursive: true });
      mkdirSync(join(egg, 'tsbtest_helper'));
      writeFileSync(join(egg, 'EGG-INFO', 'top_level.txt'), 'tsbtest_helper\n');
      writeFileSync(join(egg, 'tsbtest_helper', '__init__.py'), `VERSION = '${version}'\n`);
    }
    const text = (pin: string) =>
      profile(['x'], `[buildout]\nversions = versions\n[versions]\n${pin}\n[x]\nrecipe = slapos.recipe.build\ninit =\n  import tsbtest_helper, json\n  options['v'] = tsbtest_helper.VERSION\n`).replace('[buildout]\nparts = x\n\n[buildout]\n', '[buildout]\nparts = x\n');
    writeProfile(dir, text(''));
    await run(dir);
    assert.equal(installedOptions(dir, 'x')!.get('v'), '2.0');
    writeProfile(dir, text('tsbtest-helper = 1.0'));
    await run(dir);
    assert.equal(installedOptions(dir, 'x')!.get('v'), '1.0');
  });
});

test('the ZODB component pattern: parse() versions, update [versions], zc.buildout.easy_install.default_versions()', async () => {
  for (const executable of ['/usr/bin/python3', 'python3']) {
    await withTree({}, async (dir) => {
      writeProfile(
        dir,
        profile(
          ['ZODB'],
          `[buildout]
versions = versions
[versions]
[ZODB6]
egg-versions =
  ZODB = 6.0
  transaction = 4.0
[ZODB]
recipe = slapos.recipe.build
major = 6
init =
  zodb_x = self.buildout['ZODB' + options['major']]
  self.buildout.parse('[_ZODB-versions]\\n' + zodb_x['egg-versions'])
  versions = self.buildout['versions']
  versions.update(self.buildout['_ZODB-versions'])
  import zc.buildout.easy_install
  zc.buildout.easy_install.default_versions(versions)
  options['pinned'] = versions['ZODB']
`,
        ).replace('[buildout]\nparts = ZODB\n\n[buildout]\n', '[buildout]\nparts = ZODB\n'),
      );
      await run(dir, { executable });
      assert.equal(installedOptions(dir, 'ZODB')!.get('pinned'), '6.0', executable);
    });
  }
});

test('pkg_resources.Environment scans a directory of its search path once, with the distributions of every scan', async (t) => {
  if (spawnSync('/usr/bin/python3', ['-c', 'import pkg_resources']).status !== 0) return t.skip('no pkg_resources in /usr/bin/python3');
  await withTree({ 'eggs/a-1.0.egg/EGG-INFO/PKG-INFO': 'Metadata-Version: 1.0\nName: a\nVersion: 1.0\n', 'eggs/b-2.0.egg/EGG-INFO/PKG-INFO': 'Metadata-Version: 1.0\nName: b\nVersion: 2.0\n' }, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['p'],
        `[p]
recipe = slapos.recipe.build
init =
  import os, pkg_resources
  scanned = []
  find = pkg_resources.find_distributions
  pkg_resources.find_distributions = lambda item, only=False: scanned.append(item) or find(item, only)
  eggs = os.path.join(self.buildout['buildout']['directory'], 'eggs')
  env = pkg_resources.Environment([eggs, eggs, eggs])
  pkg_resources.find_distributions = find
  options['scans'] = str(len(scanned))
  options['found'] = ' '.join(sorted(d.project_name + '-' + d.version for k in env for d in env[k]))
`,
      ),
    );
    await run(dir, { executable: '/usr/bin/python3' });
    const saved = installedOptions(dir, 'p')!;
    assert.equal(saved.get('found'), 'a-1.0 b-2.0');
    // one scan per egg directory found on it, none for the directory listed again
    assert.equal(saved.get('scans'), '3');
  });
});

test('Options.depends (SlapOS fork): reading a section without depending on it, as component/pypy does', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['p'],
        `[other]\nx = 1\n[kept]\ny = 2\n[p]\nrecipe = slapos.recipe.build\ninit =\n  options['y'] = self.buildout['kept']['y']\n  depends = options.depends\n  options.depends = set(depends)\n  options['x'] = self.buildout['other']['x']\n  options.depends = depends\n  options['deps'] = ' '.join(sorted(options.depends))\n`,
      ),
    );
    await run(dir);
    const saved = installedOptions(dir, 'p')!;
    assert.equal(saved.get('deps'), 'kept');
    assert.match(saved.get('__buildout_signature__')!, / kept:[0-9a-f]{32}$/);
  });
});

test('sections from Python are zc.buildout-like mappings (identity, equality, iteration, copy)', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['p'],
        `[data]\na = 1\nb = \${:a}2\n[p]\nrecipe = slapos.recipe.build\ninit =\n  d = self.buildout['data']\n  checks = [self.buildout['p'] is options, d is self.buildout['data'], d == {'a': '1', 'b': '12'}, sorted(d) == ['a', 'b'], len(d), dict(d.items()), 'data' in self.buildout, 'nope' in self.buildout, isinstance(d.copy(), dict)]\n  options['checks'] = repr(checks)\n`,
      ),
    );
    await run(dir);
    assert.equal(installedOptions(dir, 'p')!.get('checks'), "[True, True, True, True, 2, {'a': '1', 'b': '12'}, True, False, True]");
  });
});

test('upstream zc.buildout semantics: option values must be strings', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['p'], "[p]\nrecipe = slapos.recipe.build\ninit =\n  try:\n      options['x'] = [1]\n  except TypeError as e:\n      options['x'] = str(e)\n"));
    await run(dir, { semantics: 'buildout2' });
    assert.equal(installedOptions(dir, 'p')!.get('x'), 'Option values must be strings (buildout2 semantics)');
  });
});
