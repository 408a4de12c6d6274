import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { installedOptions, profile, read, run, writeProfile } from './run.ts';

const SOFTWARE =
  '[zlib]\nrecipe = slapos.recipe.cmmi\nurl = https://example.invalid/zlib.tar.gz\nmd5sum = 0\nconfigure-options = --shared\n' +
  '[eggs]\nrecipe = zc.recipe.egg\neggs = slapos.toolbox\nscripts = x\n' +
  '[custom]\nrecipe = zc.recipe.egg:custom\negg = foo\n' +
  '[dl]\nrecipe = hexagonit.recipe.download\nurl = https://example.invalid/a.tgz\n' +
  '[git]\nrecipe = slapos.recipe.build:gitclone\nrepository = https://example.invalid/repo.git\nbranch = master\n' +
  '[built]\nrecipe = slapos.recipe.build\ninstall =\n  import os\n  os.mkdir(location)\n' +
  '[data]\nrecipe = slapos.recipe.build\nanything = 1\n' +
  '[template]\nrecipe = slapos.recipe.template\ninline =\n  zlib=${zlib:location}\n  eggs=${eggs:eggs-directory} ${eggs:_d} ${eggs:bin-directory}\n  dl=${dl:location} git=${git:location} built=${built:location}\noutput = ${buildout:directory}/rendered\n';

const PARTS = ['zlib', 'eggs', 'custom', 'dl', 'git', 'built', 'data', 'template'];

test('software-side recipes: a software profile resolves; with --stub-software, locations with an empty bin/', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(PARTS, SOFTWARE));
    const { warnings } = await run(dir, { stubSoftware: true });
    assert.deepEqual(warnings, []);
    const p = (x: string) => join(dir, 'parts', x);
    assert.equal(
      read(join(dir, 'rendered')),
      `zlib=${p('zlib')}\neggs=${join(dir, 'eggs')} ${join(dir, 'develop-eggs')} ${join(dir, 'bin')}\ndl=${p('dl')} git=${p('git')} built=${p('built')}`,
    );
    for (const x of ['zlib', 'dl', 'git']) {
      assert.deepEqual(readdirSync(p(x)), ['bin']);
      assert.equal(installedOptions(dir, x)!.get('__buildout_installed__'), p(x));
    }
    // slapos.recipe.build's code is tried: this one runs no command, so it ran
    assert.deepEqual(readdirSync(p('built')), []);
    assert.equal(existsSync(p('data')), false);
    assert.equal(installedOptions(dir, 'eggs')!.get('__buildout_installed__'), '');
    const again = await run(dir, { stubSoftware: true });
    assert.deepEqual(again.report.uninstalled, []);
  });
});

test('slapos.recipe.build with code runs through the Python bridge (test/pybridge/); --stub-software still runs init', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['built'], SOFTWARE));
    await run(dir);
    assert.deepEqual(readdirSync(join(dir, 'parts', 'built')), []);
  });
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['x'], "[x]\nrecipe = slapos.recipe.build\ninit = options['a'] = 'b'\ninstall = raise Exception('not run')\n"));
    await run(dir, { stubSoftware: true });
    assert.equal(installedOptions(dir, 'x')!.get('a'), 'b');
    assert.deepEqual(readdirSync(join(dir, 'parts', 'x')), ['bin']);
  });
});

const hasGit = spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0;

test('slapos.recipe.build:gitclone clones for real: a branch, a revision, develop keeps a working copy, a failure is located', { skip: !hasGit && 'no git' }, async () => {
  await withTree({ 'repo/README': 'one\n' }, async (dir) => {
    const git = (...args: string[]) => spawnSync('git', ['-C', join(dir, 'repo'), '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', 'README');
    git('commit', '-q', '-m', 'one');
    const first = git('rev-parse', 'HEAD').stdout.trim();
    writeFileSync(join(dir, 'repo', 'README'), 'two\n');
    git('commit', '-q', '-am', 'two');
    const section = (extra: string) => `[clone]\nrecipe = slapos.recipe.build:gitclone\nrepository = \${buildout:directory}/repo\n${extra}`;
    writeProfile(dir, profile(['clone'], section('branch = main\n')));
    await run(dir);
    assert.equal(read(join(dir, 'parts', 'clone', 'README')), 'two\n');
    assert.equal(installedOptions(dir, 'clone')!.get('__buildout_installed__'), join(dir, 'parts', 'clone'));
    writeProfile(dir, profile(['clone'], section(`revision = ${first}\n`)));
    await run(dir);
    assert.equal(read(join(dir, 'parts', 'clone', 'README')), 'one\n');
    // develop: the working copy is the user's, kept and never removed (even when the part is reinstalled)
    const dev = (extra: string) => section(`develop = true\nlocation = \${buildout:directory}/work\n${extra}`);
    writeProfile(dir, profile(['clone'], dev('')));
    await run(dir);
    assert.equal(installedOptions(dir, 'clone')!.get('__buildout_installed__'), '');
    writeFileSync(join(dir, 'work', 'local'), 'mine');
    writeProfile(dir, profile(['clone'], dev('branch = main\n')));
    await run(dir);
    assert.equal(read(join(dir, 'work', 'local')), 'mine');
    writeProfile(dir, profile(['clone'], '[clone]\nrecipe = slapos.recipe.build:gitclone\nrepository = ${buildout:directory}/nowhere\nlocation = ${buildout:directory}/other\n'));
    await assert.rejects(run(dir), /\[clone\] git clone exited with status 128: Impossible to clone repository\./);
    assert.equal(existsSync(join(dir, 'other')), false);
  });
});
