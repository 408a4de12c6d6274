// Shared parts (docs/slapos-recipes.md#shared-parts): `shared = true`
// places a part under `[buildout] shared-part-list` by a hash of its
// options, `location = @@LOCATION@@` and every @@LOCATION@@ of its options
// being that place; without the list, `${buildout:parts-directory}/<part>`.
// In a run, and in what `explain` shows (the same inits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { profile, read, run, writeProfile } from './run.ts';

const COMPONENT =
  '[openssh]\nrecipe = slapos.recipe.cmmi\nshared = true\nurl = https://example.invalid/openssh.tgz\nmd5sum = 0123456789abcdef0123456789abcdef\nlocation = @@LOCATION@@\nconfigure-options = --prefix=@@LOCATION@@ --with-ssl\n' +
  '[openssh-output]\nkeygen = ${openssh:location}/bin/ssh-keygen\n' +
  '[data]\nrecipe = slapos.recipe.build\nshared = true\nlocation = @@LOCATION@@\nnote = in @@LOCATION@@\n' +
  '[out]\nrecipe = slapos.recipe.template\ninline =\n  ${openssh-output:keygen}\n  ${openssh:configure-options}\n  ${openssh:prefix} ${openssh:compile-directory}\n  ${data:location} ${data:note}\noutput = ${buildout:directory}/out\n';

test('shared parts without shared-part-list: parts/<part>, @@LOCATION@@ replaced everywhere it is read', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['out'], COMPONENT));
    await run(dir, { stubSoftware: true });
    const p = (x: string) => join(dir, 'parts', x);
    assert.equal(read(join(dir, 'out')), [`${p('openssh')}/bin/ssh-keygen`, `--prefix=${p('openssh')} --with-ssl`, `${p('openssh')} ${p('openssh')}__compile__`, `${p('data')} in ${p('data')}`].join('\n'));
    // explain (dry inspection) runs the same inits
    const r = spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), '-c', join(dir, 'buildout.cfg'), 'explain', 'openssh-output:keygen'], { encoding: 'utf8' });
    assert.match(r.stdout, new RegExp(`value: ${p('openssh')}/bin/ssh-keygen\\n`));
  });
});

test('shared parts under shared-part-list: <directory>/<part>/<md5 of the options>, the first directory holding it, stable, changed by an option', async () => {
  await withTree({}, async (dir) => {
    const list = (dirs: string[]) => `[buildout]\nparts = out\nshared-part-list =\n  ${dirs.join('\n  ')}\n${COMPONENT}`;
    writeProfile(dir, list([join(dir, 'shared-a'), join(dir, 'shared-b')]));
    await run(dir, { stubSoftware: true });
    const lines = read(join(dir, 'out')).split('\n');
    const m = new RegExp(`^${join(dir, 'shared-b')}/openssh/([0-9a-f]{32})/bin/ssh-keygen$`).exec(lines[0]!);
    assert.ok(m, lines[0]);
    assert.equal(lines[1], `--prefix=${join(dir, 'shared-b', 'openssh', m[1]!)} --with-ssl`);
    assert.match(lines[3]!, new RegExp(`^${join(dir, 'shared-b')}/data/[0-9a-f]{32} in ${join(dir, 'shared-b')}/data/[0-9a-f]{32}$`));
    // the same options: the same place; a build already in an earlier directory is used there
    mkdirSync(join(dir, 'shared-a', 'openssh', m[1]!), { recursive: true });
    await run(dir, { stubSoftware: true });
    assert.equal(read(join(dir, 'out')).split('\n')[0], `${join(dir, 'shared-a', 'openssh', m[1]!)}/bin/ssh-keygen`);
    // another option: another build
    writeProfile(dir, list([join(dir, 'shared-a'), join(dir, 'shared-b')]).replace('--with-ssl', '--without-ssl'));
    await run(dir, { stubSoftware: true });
    const other = /openssh\/([0-9a-f]{32})\//.exec(read(join(dir, 'out')))![1];
    assert.notEqual(other, m[1]);
  });
});

test("slapos.recipe.build's shared accepts true or false only", async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['x'], '[x]\nrecipe = slapos.recipe.build\nshared = maybe\n'));
    await assert.rejects(run(dir), /\[x\] shared: expected true or false, got 'maybe'/);
  });
});
