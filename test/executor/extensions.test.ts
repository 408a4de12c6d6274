// Buildout extensions (executor/extensions.ts): the zc.buildout.extension
// entry points of a develop egg are called with the buildout before
// anything of the install, the zc.buildout.unloadextension ones after, as
// zc.buildout 2.13's buildout.txt "Extensions" shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const python = '/usr/bin/python3';
const hasSetuptools = spawnSync(python, ['-c', 'import setuptools'], { stdio: 'ignore' }).status === 0;

function run(dir: string) {
  const r = spawnSync(process.execPath, [cli, '--python', python, '--semantics', 'buildout2', '-U'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const demo = {
  'demo/demo.py': "import sys\ndef ext(buildout):\n    sys.stdout.write('%s %s\\n' % ('ext', sorted(buildout)))\ndef unload(buildout):\n    sys.stdout.write('%s %s\\n' % ('unload', sorted(buildout)))\n",
  'demo/setup.py': "from setuptools import setup\nsetup(name='demo', entry_points={'zc.buildout.extension': ['ext = demo:ext'], 'zc.buildout.unloadextension': ['ext = demo:unload']})\n",
};

test('extensions: a develop egg’s extension runs before the develop step, its unload after the run', { skip: !hasSetuptools && 'no setuptools for /usr/bin/python3' }, async () => {
  await withTree({ ...demo, 'buildout.cfg': '[buildout]\ndevelop = demo\nparts =\n' }, async (dir) => {
    const first = run(dir);
    assert.equal(first.status, 0, first.err);
    writeFileSync(join(dir, 'buildout.cfg'), '[buildout]\ndevelop = demo\nextensions = demo\nparts =\n');
    const r = run(dir);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, `ext ['buildout', 'versions']\nDevelop: '${join(dir, 'demo')}'\nunload ['buildout', 'versions']\n`);
    assert.doesNotMatch(r.err, /Unused options/);
  });
});

test('extensions: one that is not there is an error naming it, before anything is done', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nextensions = nowhere\nparts =\n' }, async (dir) => {
    const r = run(dir);
    assert.equal(r.status, 1);
    assert.match(r.err, /Error: Couldn't find a distribution for 'nowhere'\./);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
});

test('extensions: under --stub-software, one that is not there is skipped with a warning (software profiles name slapos.rebootstrap)', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nextensions = slapos.rebootstrap\nparts = d\n\n[d]\nrecipe = slapos.cookbook:mkdirectory\nx = ${buildout:directory}/x\n' }, async (dir) => {
    const r = spawnSync(process.execPath, [cli, '--python', python, 'install', '--stub-software'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /The extension 'slapos\.rebootstrap' is not installed: not loaded under --stub-software\./);
    assert.ok(existsSync(join(dir, 'x')));
  });
});
