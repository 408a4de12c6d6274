// zc.recipe.egg for real: two local sdists (one requiring the other) from a
// find-links directory, built into eggs-directory as zc.buildout lays them
// out, a console script, entry points, an interpreter; the scripts
// compared byte for byte with what Debian's zc.buildout 2.13
// (easy_install.scripts(), scripts/easy-install-oracle.py) writes for the
// same eggs; a second run installs nothing; a missing pin and a picked
// version refused in buildout's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { run, writeProfile } from './run.ts';

const PYTHON = '/usr/bin/python3';

function hasZcBuildout(): boolean {
  return spawnSync(PYTHON, ['-c', 'import zc.buildout, setuptools'], { stdio: 'ignore' }).status === 0;
}

/** An sdist as `setup.py sdist` lays it out: `name-version/` with its setup.py, tarred and gzipped. */
function sdist(links: string, name: string, version: string, files: Record<string, string>): void {
  const top = `${name}-${version}`;
  const src = join(links, '.src');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(src, top, rel)), { recursive: true });
    writeFileSync(join(src, top, rel), text);
  }
  const r = spawnSync('tar', ['czf', join(links, `${top}.tar.gz`), '-C', src, top]);
  assert.equal(r.status, 0, String(r.stderr));
  rmSync(src, { recursive: true });
}

function writeSdists(dir: string): void {
  const links = join(dir, 'links');
  mkdirSync(links, { recursive: true });
  sdist(links, 'beta', '1.0', {
    'setup.py': "from setuptools import setup\nsetup(name='beta', version='1.0', packages=['beta'])\n",
    'beta/__init__.py': 'VALUE = 42\n',
  });
  sdist(links, 'alpha', '2.0', {
    'setup.py':
      "from setuptools import setup\nsetup(name='alpha', version='2.0', packages=['alpha'], install_requires=['beta'],\n      entry_points={'console_scripts': ['alpha-hello = alpha:main', 'alpha-other = alpha:other']})\n",
    'alpha/__init__.py': "import os, sys\nimport beta\n\ndef main(*args):\n    print('hello', beta.VALUE, os.environ.get('GREETING'), args)\n\ndef other():\n    print('other')\n",
  });
}

const PROFILE = `[buildout]
parts = app rel
find-links = \${:directory}/links
index = \${:directory}/no-index

[app]
recipe = zc.recipe.egg
eggs = alpha
interpreter = py
initialization = import os
  os.environ['GREETING'] = 'hi'
entry-points = direct=alpha:other

[rel]
recipe = zc.recipe.egg:scripts
eggs = alpha
scripts = alpha-hello=hello-rel direct-rel
entry-points = direct-rel=alpha:other
relative-paths = true
extra-paths = extra
  /opt/absolute-extra
arguments = 'x', 1
dependent-scripts = true
`;

/** What zc.buildout writes for a part's options (the reference script), in place of tsbuildout's files. */
function reference(dir: string, options: Record<string, unknown>): string[] {
  const file = join(dir, 'ref-options.json');
  writeFileSync(file, JSON.stringify({ develop: join(dir, 'develop-eggs'), eggsDir: join(dir, 'eggs'), bin: join(dir, 'bin'), eggs: ['alpha'], ...options }));
  const r = spawnSync(PYTHON, [join(repositoryRoot(), 'scripts', 'easy-install-oracle.py'), 'scripts', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

function cli(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), '--python', PYTHON, ...args], { cwd: dir, encoding: 'utf8' });
}

test('zc.recipe.egg installs two sdists, writes scripts as zc.buildout does, and installs nothing the second time', { skip: !hasZcBuildout() && "Debian's python3-zc.buildout is not installed" }, async () => {
  await withTree({}, async (dir) => {
    writeSdists(dir);
    writeProfile(dir, PROFILE);
    const first = await run(dir);
    for (const l of ["Getting distribution for 'alpha'.", 'Got alpha 2.0.', "Getting distribution for 'beta'.", 'Got beta 1.0.']) assert.ok(first.lines.includes(l), `${l} in ${first.lines.join('\n')}`);
    assert.deepEqual(readdirSync(join(dir, 'eggs')).sort(), ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']);
    for (const egg of ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']) assert.ok(statSync(join(dir, 'eggs', egg, 'EGG-INFO', 'PKG-INFO')).isFile());
    assert.ok(first.lines.includes(`Generated interpreter '${join(dir, 'bin', 'py')}'.`));

    // a second run installs no egg; the scripts are written again, as
    // zc.buildout does: its working set puts what it installed first
    // (pkg_resources' insert_on), what it found after
    const eggMtime = statSync(join(dir, 'eggs', 'alpha-2.0-py3.11.egg')).mtimeMs;
    const second = await run(dir);
    assert.ok(!second.lines.some((l) => /^(Getting|Got|Installing|Uninstalling) /.test(l)), second.lines.join('\n'));
    assert.equal(statSync(join(dir, 'eggs', 'alpha-2.0-py3.11.egg')).mtimeMs, eggMtime);
    assert.ok(second.lines.includes(`Generated script '${join(dir, 'bin', 'alpha-hello')}'.`));

    // byte for byte against zc.buildout's easy_install.scripts(), part by part
    const parts: [string[], Record<string, unknown>][] = [
      [['alpha-hello', 'alpha-other', 'direct', 'py'], { interpreter: 'py', initialization: "import os\nos.environ['GREETING'] = 'hi'", entryPoints: [['direct', 'alpha', 'other']] }],
      [
        ['hello-rel', 'direct-rel'],
        { scripts: { 'alpha-hello': 'hello-rel', 'direct-rel': 'direct-rel' }, entryPoints: [['direct-rel', 'alpha', 'other']], relativePaths: dir, extraPaths: [join(dir, 'extra'), '/opt/absolute-extra'], arguments: "'x', 1", dependentScripts: true },
      ],
    ];
    const ours = new Map(readdirSync(join(dir, 'bin')).map((f) => [f, readFileSync(join(dir, 'bin', f))]));
    assert.deepEqual([...ours.keys()].sort(), parts.flatMap(([names]) => names).sort());
    for (const [names, options] of parts) {
      for (const n of names) rmSync(join(dir, 'bin', n));
      const generated = reference(dir, options);
      assert.deepEqual(generated.map((g) => g.slice(join(dir, 'bin').length + 1)).sort(), [...names].sort());
      for (const n of names) assert.equal(ours.get(n)!.toString(), readFileSync(join(dir, 'bin', n), 'utf8'), `bin/${n}`);
      for (const n of names) assert.equal(statSync(join(dir, 'bin', n)).mode & 0o777, 0o777 & ~process.umask());
    }

    // the scripts run
    const hello = spawnSync(join(dir, 'bin', 'alpha-hello'), { encoding: 'utf8' });
    assert.equal(hello.stdout, 'hello 42 hi ()\n', hello.stderr);
    const rel = spawnSync(join(dir, 'bin', 'hello-rel'), { encoding: 'utf8' });
    assert.equal(rel.stdout, "hello 42 None ('x', 1)\n", rel.stderr);
    const py = spawnSync(join(dir, 'bin', 'py'), ['-c', 'import beta, alpha; print(beta.VALUE, alpha.__file__)'], { encoding: 'utf8' });
    assert.equal(py.stdout, `42 ${join(dir, 'eggs', 'alpha-2.0-py3.11.egg', 'alpha', '__init__.py')}\n`, py.stderr);

    // and a third run does nothing at all
    const third = await run(dir);
    assert.deepEqual(third.lines, ['Updating app.', 'Updating rel.']);
    assert.equal(statSync(join(dir, 'eggs', 'alpha-2.0-py3.11.egg')).mtimeMs, eggMtime);

    // a pin absent from find-links: one located Error line
    writeFileSync(join(dir, 'buildout.cfg'), `${PROFILE}\n[versions]\nbeta = 3.0\n`);
    const missing = cli(dir);
    assert.equal(missing.status, 1);
    const errors = missing.stderr.split('\n').filter((l) => l.startsWith('Error:'));
    const pinLine = PROFILE.split('\n').length + 2;
    assert.deepEqual(errors, [`Error: buildout.cfg:${pinLine}:8: Couldn't find a distribution for 'beta==3.0'.`], missing.stderr);
    assert.ok(!/\n\s+at /.test(missing.stderr), 'no stack trace');
    // easy_install's step in the While: block, as zc.buildout lists it
    assert.match(missing.stderr, /\n {2}while: Updating app\.\n {2}while: Getting distribution for 'beta==3\.0'\.\n/, missing.stderr);

    // allow-picked-versions = false: buildout's message, word for word
    writeFileSync(join(dir, 'buildout.cfg'), PROFILE.replace('[buildout]\n', '[buildout]\nallow-picked-versions = false\n') + '\n[versions]\nalpha = 2.0\n');
    const picked = cli(dir, '--semantics', 'buildout2');
    assert.equal(picked.status, 1);
    assert.match(picked.stderr, /^While:\n {2}Installing app\.\nError: Picked: beta = 1\.0\n/m);
  });
});

test('a recipe egg absent from the egg directories is installed from find-links with its requirements, then run by the Python bridge', { skip: !hasZcBuildout() && "Debian's python3-zc.buildout is not installed" }, async () => {
  await withTree({}, async (dir) => {
    writeSdists(dir);
    sdist(join(dir, 'links'), 'hello.recipe', '0.1', {
      'setup.py':
        "from setuptools import setup\nsetup(name='hello.recipe', version='0.1', py_modules=['hello_recipe'], install_requires=['beta'],\n      entry_points={'zc.buildout': ['default = hello_recipe:Recipe']})\n",
      'hello_recipe.py':
        "import os, beta\n\nclass Recipe:\n    def __init__(self, buildout, name, options):\n        self.options = options\n        options['path'] = os.path.join(buildout['buildout']['directory'], name + '.txt')\n\n    def install(self):\n        with open(self.options['path'], 'w') as f:\n            f.write('value %s\\n' % beta.VALUE)\n        return [self.options['path']]\n\n    update = install\n",
    });
    writeProfile(dir, `[buildout]\nparts = hello\nfind-links = \${:directory}/links\nindex = \${:directory}/no-index\n\n[hello]\nrecipe = hello.recipe\n`);
    const first = await run(dir);
    assert.deepEqual(first.lines.filter((l) => /^(Getting|Got|Installing) /.test(l)), ["Getting distribution for 'hello.recipe'.", 'Got hello.recipe 0.1.', "Getting distribution for 'beta'.", 'Got beta 1.0.', 'Installing hello.']);
    assert.equal(readFileSync(join(dir, 'hello.txt'), 'utf8'), 'value 42\n');
    assert.deepEqual(readdirSync(join(dir, 'eggs')).sort(), ['beta-1.0-py3.11.egg', 'hello.recipe-0.1-py3.11.egg']);
    const second = await run(dir);
    assert.deepEqual(second.lines, ['Updating hello.']);
  });
});

const RECORDING_SETUP = (name: string, record: string) =>
  `import os\nfrom setuptools import setup\n# what the build saw: build_ext options (setup.cfg) and the environment\nwith open(${JSON.stringify(record)}, 'w') as f:\n    f.write('CFG = %r\\nENV = %r\\n' % (open('setup.cfg').read() if os.path.exists('setup.cfg') else None, os.environ.get('CUSTOM_FLAG')))\nsetup(name='${name}', version='1.0', packages=['${name}'])\n`;

test('zc.recipe.egg:custom builds an sdist with build_ext options and its environment into develop-eggs; :develop develops a tree with them', { skip: !hasZcBuildout() && "Debian's python3-zc.buildout is not installed" }, async () => {
  await withTree({}, async (dir) => {
    writeSdists(dir);
    // setup-eggs (the SlapOS fork): beta is installed first and importable by the setup script
    const setup = `import beta\nopen('custom/beta.py', 'w').write('BETA = %r\\n' % beta.VALUE)\n${RECORDING_SETUP('custom', 'custom/seen.py')}`;
    sdist(join(dir, 'links'), 'custom', '1.0', { 'setup.py': setup, 'custom/__init__.py': '' });
    mkdirSync(join(dir, 'src', 'dev', 'dev'), { recursive: true });
    writeFileSync(join(dir, 'src', 'dev', 'setup.py'), RECORDING_SETUP('dev', 'seen.py'));
    writeFileSync(join(dir, 'src', 'dev', 'dev', '__init__.py'), '');
    writeProfile(
      dir,
      `[buildout]\nparts = custom dev\nfind-links = \${:directory}/links\nindex = \${:directory}/no-index\n\n` +
        `[env]\nCUSTOM_FLAG = on-%(HOME)s\n\n[custom]\nrecipe = zc.recipe.egg:custom\nenvironment = env\nsetup-eggs = beta\ninclude-dirs = inc\n  /usr/include/absolute\ndefine = X=1\n\n` +
        `[dev]\nrecipe = zc.recipe.egg:develop\nsetup = src/dev\nlibrary-dirs = lib\n`,
    );
    const r = await run(dir);
    assert.ok(r.lines.includes("Getting distribution for 'custom'.") === false, 'custom builds without the Getting line, as Installer.build');
    const [built] = readdirSync(join(dir, 'develop-eggs')).filter((f) => f.startsWith('custom-'));
    assert.equal(built, 'custom-1.0-py3.11.egg');
    const seen = readFileSync(join(dir, 'develop-eggs', built!, 'custom', 'seen.py'), 'utf8');
    // os.path.join: an absolute entry is kept as it is
    assert.match(seen, new RegExp(`include-dirs = ${join(dir, 'inc')}:/usr/include/absolute\\\\n`));
    assert.match(seen, /define = X=1/);
    assert.match(seen, new RegExp(`ENV = 'on-${process.env.HOME}'`));
    assert.equal(readFileSync(join(dir, 'develop-eggs', built!, 'custom', 'beta.py'), 'utf8'), 'BETA = 42\n');
    assert.ok(existsSync(join(dir, 'eggs', 'beta-1.0-py3.11.egg')));
    assert.equal(process.env.CUSTOM_FLAG, undefined, 'the environment is restored');
    assert.equal(readFileSync(join(dir, 'develop-eggs', 'dev.egg-link'), 'utf8').split('\n')[0], join(dir, 'src', 'dev'));
    assert.match(readFileSync(join(dir, 'src', 'dev', 'seen.py'), 'utf8'), new RegExp(`library-dirs = ${join(dir, 'lib')}`));
    assert.equal(existsSync(join(dir, 'src', 'dev', 'setup.cfg')), false, "the tree's setup.cfg is restored (there was none)");
  });
});

test('an extension absent from the egg directories is installed from find-links, then loaded and unloaded', { skip: !hasZcBuildout() && "Debian's python3-zc.buildout is not installed" }, async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'links'));
    sdist(join(dir, 'links'), 'hello.ext', '0.1', {
      'setup.py':
        "from setuptools import setup\nsetup(name='hello.ext', version='0.1', py_modules=['hello_ext'],\n      entry_points={'zc.buildout.extension': ['default = hello_ext:load'], 'zc.buildout.unloadextension': ['default = hello_ext:unload']})\n",
      'hello_ext.py':
        "import os\n\ndef note(buildout, text):\n    with open(os.path.join(buildout['buildout']['directory'], 'ext.log'), 'a') as f:\n        f.write(text + '\\n')\n\ndef load(buildout):\n    note(buildout, 'load')\n\ndef unload(buildout):\n    note(buildout, 'unload')\n",
    });
    writeProfile(dir, `[buildout]\nparts =\nextensions = hello.ext\nfind-links = links\nindex = no-index\n`);
    const r = await run(dir);
    assert.deepEqual(r.lines.filter((l) => /^(Getting|Got) /.test(l)), ["Getting distribution for 'hello.ext'.", 'Got hello.ext 0.1.']);
    assert.equal(readFileSync(join(dir, 'ext.log'), 'utf8'), 'load\nunload\n');
    assert.deepEqual(readdirSync(join(dir, 'eggs')), ['hello.ext-0.1-py3.11.egg']);
  });
});
