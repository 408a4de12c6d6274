// The develop step (executor/develop.ts): setup.py develop of each path
// with the buildout's Python into develop-eggs-directory, as zc.buildout
// 2.13 does, the develop egg then usable as a recipe through the bridge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const python = '/usr/bin/python3';
const hasSetuptools = spawnSync(python, ['-c', 'import setuptools'], { stdio: 'ignore' }).status === 0;

function run(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, '--python', python, '--semantics', 'buildout2', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const recipe = {
  'recipes/setup.py': "from setuptools import setup\nsetup(name='recipes', py_modules=['mkdir'], entry_points={'zc.buildout': ['mkdir = mkdir:Mkdir']})\n",
  'recipes/mkdir.py':
    "import logging, os\nclass Mkdir:\n    def __init__(self, buildout, name, options):\n        self.name, self.options = name, options\n        options['path'] = os.path.join(buildout['buildout']['directory'], options['path'])\n    def install(self):\n        logging.getLogger(self.name).info('Creating directory %s', os.path.basename(self.options['path']))\n        print('made it')\n        os.mkdir(self.options['path'])\n        return self.options['path']\n    def update(self):\n        pass\n",
};

test('develop: a local recipe is developed, then runs; the next run develops again; leaving the list removes its egg-link', { skip: !hasSetuptools && 'no setuptools for /usr/bin/python3' }, async () => {
  await withTree({ ...recipe, 'buildout.cfg': '[buildout]\ndevelop = recipes\nparts = data-dir\n[data-dir]\nrecipe = recipes:mkdir\npath = mystuff\n' }, async (dir) => {
    const first = run(dir, 'install');
    assert.equal(first.status, 0, first.err);
    assert.match(first.out, new RegExp(`^Develop: '${join(dir, 'recipes')}'\nInstalling data-dir.\ndata-dir: Creating directory mystuff\nmade it\n$`, 'm'));
    assert.deepEqual(readdirSync(join(dir, 'develop-eggs')), ['recipes.egg-link']);
    assert.equal(readFileSync(join(dir, 'develop-eggs', 'recipes.egg-link'), 'utf8').split('\n')[0], join(dir, 'recipes'));
    assert.ok(existsSync(join(dir, 'mystuff')));
    assert.match(readFileSync(join(dir, '.installed.cfg'), 'utf8'), new RegExp(`^installed_develop_eggs = ${join(dir, 'develop-eggs', 'recipes.egg-link')}$`, 'm'));

    const again = run(dir, 'install');
    assert.equal(again.status, 0, again.err);
    assert.equal(again.out, `Develop: '${join(dir, 'recipes')}'\nUpdating data-dir.\n`);

    writeFileSync(join(dir, 'buildout.cfg'), '[buildout]\nparts =\n');
    const gone = run(dir, 'install');
    assert.equal(gone.status, 0, gone.err);
    assert.deepEqual(readdirSync(join(dir, 'develop-eggs')), []);
    assert.ok(!existsSync(join(dir, 'mystuff')));
    assert.ok(!existsSync(join(dir, '.installed.cfg')));
  });
});

test('develop: patterns are expanded and sorted, a path that matches nothing is warned about', { skip: !hasSetuptools && 'no setuptools for /usr/bin/python3' }, async () => {
  const tree = {
    'src/b/setup.py': "from setuptools import setup\nsetup(name='b')\n",
    'src/a/setup.py': "from setuptools import setup\nsetup(name='a')\n",
    'buildout.cfg': '[buildout]\ndevelop = src/* missing\nparts =\n',
  };
  await withTree(tree, async (dir) => {
    const r = run(dir, 'install');
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, new RegExp(`Develop: '${join(dir, 'src', 'a')}'\nDevelop: '${join(dir, 'src', 'b')}'\n`));
    assert.match(r.out + r.err, new RegExp(`Couldn't develop '${join(dir, 'missing')}' \\(not found\\)`));
    assert.deepEqual(readdirSync(join(dir, 'develop-eggs')).sort(), ['a.egg-link', 'b.egg-link']);
  });
});

test('develop: a setup script that fails is an error naming the command, and leaves nothing in develop-eggs', { skip: !hasSetuptools && 'no setuptools for /usr/bin/python3' }, async () => {
  await withTree({ 'bad/setup.py': 'raise SystemExit(3)\n', 'buildout.cfg': '[buildout]\ndevelop = bad\nparts =\n' }, async (dir) => {
    const r = run(dir, 'install');
    assert.equal(r.status, 1);
    assert.match(r.err, /Error: Failed to run command:\n'\/usr\/bin\/python3', '[^']+', '-q', 'develop', '-mN', '-d', '[^']+'/);
    assert.doesNotMatch(r.err, /at .*\.js/);
    assert.deepEqual(readdirSync(join(dir, 'develop-eggs')), []);
  });
});

test("develop under -v: at log level 0 (-vv) setup.py's own output (no -q), below DEBUG the `in:` line with the command; -vvv keeps -q, as easy_install.develop does", { skip: !hasSetuptools && 'no setuptools for /usr/bin/python3' }, async () => {
  await withTree({ 'foo/setup.py': 'from setuptools import setup\nsetup(name="foo")\n', 'buildout.cfg': '[buildout]\ndevelop = foo\nparts =\n' }, async (dir) => {
    const vv = run(dir, '-vv');
    assert.equal(vv.status, 0, vv.err);
    assert.match(vv.out, new RegExp(`in: '${join(dir, 'foo')}'\\n\\S+python3 \\S+setup\\.py develop -mN -d `));
    assert.match(vv.out + vv.err, new RegExp(`Installed ${join(dir, 'foo')}`));
    const vvv = run(dir, '-vvv');
    assert.match(vvv.out, / -q develop -mN -d /);
    assert.doesNotMatch(vvv.out + vvv.err, /Installed /);
    assert.doesNotMatch(run(dir, '-v').out, /in: /);
  });
});

test("-v: the egg installer's debug trail as easy_install's (Installing …, We have a develop egg, Getting required, required by, We have no distributions)", { skip: !hasSetuptools && 'no setuptools for /usr/bin/python3' }, async () => {
  const pkg = (name: string, requires: string[]) => ({
    [`${name}/setup.py`]: `from setuptools import setup\nsetup(name='${name}', version='1', py_modules=['${name}'], install_requires=${JSON.stringify(requires)})\n`,
    [`${name}/${name}.py`]: '',
  });
  const files = {
    ...pkg('samplea', ['sampleb']),
    ...pkg('sampleb', ['demoneeded']),
    'links/.keep': '',
    'buildout.cfg': '[buildout]\ndevelop = samplea sampleb\nfind-links = links\nparts = eggs\n[eggs]\nrecipe = zc.recipe.egg\neggs = samplea\n',
  };
  await withTree(files, async (dir) => {
    const r = run(dir, '-v', '-N');
    assert.equal(r.status, 1, r.err);
    const trail = r.out.slice(r.out.indexOf("Installing 'samplea'."));
    assert.match(
      trail,
      /^Installing 'samplea'\.\nWe have a develop egg: samplea 1\nGetting required 'sampleb'\n {2}required by samplea 1\.\nWe have a develop egg: sampleb 1\nGetting required 'demoneeded'\n {2}required by sampleb 1\.\nWe have no distributions for demoneeded that satisfies 'demoneeded'\.\n/,
    );
  });
});
