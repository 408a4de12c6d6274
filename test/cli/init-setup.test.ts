// `init` and `setup`, as zc.buildout's commands (buildout.py
// Buildout._init_config, init, setup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { initialConfig } from '../../cli/commands/init.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');

function run(dir: string, args: string[]) {
  return spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '--semantics', 'buildout2', ...args], { cwd: dir, encoding: 'utf8' });
}

test('init writes buildout.cfg and bootstraps; a second init refuses', async () => {
  await withTree({}, async (dir) => {
    const r = run(dir, ['init']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, 3), [`Creating '${join(dir, 'buildout.cfg')}'.`, `Creating directory '${join(dir, 'eggs')}'.`, `Creating directory '${join(dir, 'bin')}'.`]);
    assert.equal(readFileSync(join(dir, 'buildout.cfg'), 'utf8'), '[buildout]\nparts =\n');
    assert.ok(existsSync(join(dir, 'bin', 'buildout')));
    const again = run(dir, ['init']);
    assert.equal(again.status, 1);
    assert.equal(again.stderr, `While:\n  Initializing.\nError: '${join(dir, 'buildout.cfg')}' already exists.\n`);
    const slapos = spawnSync(process.execPath, [cli, '-U', 'init'], { cwd: dir, encoding: 'utf8' });
    assert.equal(slapos.stderr, `Error: '${join(dir, 'buildout.cfg')}' already exists.\n`);
  });
});

test("init's configuration with eggs and paths: a py part of zc.recipe.egg", () => {
  assert.equal(initialConfig(['demo', 'src/x']), '[buildout]\nparts = py\n\n[py]\nrecipe = zc.recipe.egg\ninterpreter = py\neggs =\n  demo\nextra-paths =\n  src/x\n');
});

test('setup runs a setup script from its directory with its arguments; without one it is an error', async () => {
  await withTree({ 'pkg/setup.py': 'import os, sys, setuptools\nprint(os.getcwd(), __file__, sys.argv[1:])\n' }, async (dir) => {
    const r = run(dir, ['setup', 'pkg', 'a', 'b']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Creating directory '${join(dir, 'eggs')}'.\nRunning setup script 'pkg/setup.py'.\n${join(dir, 'pkg')} ${join(dir, 'pkg', 'setup.py')} ['a', 'b']\n`);
    const none = run(dir, ['setup']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /^Error: The setup command requires the path to a setup script or \ndirectory containing a setup script, and its arguments\.\n$/);
  });
});
