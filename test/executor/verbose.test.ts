// zc.buildout's debug level (-vv, or log-level less verbosity under 10)
// shows the configuration once the recipes are initialised, as
// buildout.txt's "Predefined buildout options" prints it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');

function run(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, '--python', 'python', '--semantics', 'buildout2', '-U', ...args], { cwd: dir, encoding: 'utf8' });
}

test('-vv: the configuration data of every initialised section, sorted, values as the record writes them', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = plone.recipe.command\ncommand = true\nlines =\n  one\n  two\n' }, async (dir) => {
    const r = run(dir, 'foo:bar=1', '-vv');
    assert.equal(r.status, 0, r.stderr);
    const dump = r.stdout.slice(r.stdout.indexOf('\nConfiguration data:\n'));
    const d = (name: string) => join(dir, name);
    const expected = [
      '',
      'Configuration data:',
      '[buildout]',
      'allow-hosts = *',
      'allow-picked-versions = true',
      'allow-unknown-extras = false',
      `bin-directory = ${d('bin')}`,
      `develop-eggs-directory = ${d('develop-eggs')}`,
      `directory = ${dir}`,
      `eggs-directory = ${d('eggs')}`,
      'executable = python',
      'find-links = ',
      'install-from-cache = false',
      `installed = ${d('.installed.cfg')}`,
      'log-format = ',
      'log-level = INFO',
      'newest = true',
      'offline = false',
      'parts = p',
      `parts-directory = ${d('parts')}`,
      'prefer-final = true',
      'python = buildout',
      'show-picked-versions = false',
      'socket-timeout = ',
      'update-versions-file = ',
      'use-dependency-links = true',
      'verbosity = 20',
      'versions = versions',
      '[p]',
      'command = true',
      'lines = one',
      '\ttwo',
      'recipe = plone.recipe.command',
      '[versions]',
      // zc.buildout 2.13's own pins (Buildout.__init__)
      'zc.buildout = >=2.13.2',
      'zc.recipe.egg = >=2.0.6',
      '',
      'Installing p.',
    ];
    assert.deepEqual(dump.split('\n').slice(0, expected.length), expected);
    // every option was read: none is unused
    assert.doesNotMatch(r.stdout + r.stderr, /Unused options/);
    // below the debug level, no dump
    const v = run(dir, '-v');
    assert.doesNotMatch(v.stdout, /Configuration data:/);
    // the upgrade check's first debug line (easy_install.install), before anything installs; none when not newest
    assert.match(v.stdout, /^Installing 'zc\.buildout', 'setuptools'\.\n(?:.*\n)*Updating p\.\n/);
    assert.doesNotMatch(run(dir, '-v', '-N').stdout, /Installing 'zc\.buildout'/);
  });
});
