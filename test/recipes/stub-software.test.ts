// --stub-software as one mechanism decided by each recipe's role
// (recipes/stand-in.ts): what renders runs, what builds is stood in (its
// location created, the stub tree's files for it copied in at once), what
// runs commands runs none, slapos.recipe.build code is tried without
// commands; downloads and templates that cannot be had are empty stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { installedOptions, profile, read, run, writeProfile } from './run.ts';

test('--stub-software: plone.recipe.command runs nothing; a stand-in gets the stub tree of its location before later parts run', async () => {
  await withTree({ 'stubs/parts/tool/bin/tool': '#!/bin/sh\necho stub\n' }, async (dir) => {
    chmodSync(join(dir, 'stubs/parts/tool/bin/tool'), 0o755);
    writeProfile(
      dir,
      profile(
        ['tool', 'check', 'use'],
        '[tool]\nrecipe = slapos.recipe.cmmi\nurl = https://example.invalid/tool.tgz\n' +
          // a software-side check that a real build passes and a stand-in cannot
          '[check]\nrecipe = plone.recipe.command\nstop-on-error = true\ncommand = test -x ${tool:location}/bin/tool && touch ${buildout:directory}/ran\n' +
          // code run after the stand-in: it sees the stub tree's file
          "[use]\nrecipe = slapos.recipe.build\ntool = ${tool:location}/bin/tool\ninstall =\n  import os\n  os.mkdir(location)\n  open(os.path.join(location, 'seen'), 'w').write(str(os.path.exists(options['tool'])))\n",
      ),
    );
    await run(dir, { stubSoftware: true, stubTree: join(dir, 'stubs') });
    assert.equal(existsSync(join(dir, 'ran')), false);
    assert.deepEqual(readdirSync(join(dir, 'parts', 'tool')).sort(), ['bin']);
    assert.equal(read(join(dir, 'parts', 'tool', 'bin', 'tool')), '#!/bin/sh\necho stub\n');
    assert.equal(statSync(join(dir, 'parts', 'tool', 'bin', 'tool')).mode & 0o111, 0o111);
    assert.equal(read(join(dir, 'parts', 'use', 'seen')), 'True');
  });
});

test('--stub-software: slapos.recipe.build code that runs a command is stood in with a warning; code that only writes runs', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['compile', 'schema'],
        "[compile]\nrecipe = slapos.recipe.build\ninstall =\n  call(['make', '-C', location])\n" +
          "[schema]\nrecipe = slapos.recipe.build\nlocation = ${buildout:directory}/schema.json\ninstall =\n  open(location, 'w').write('{}')\n",
      ),
    );
    const { warnings } = await run(dir, { stubSoftware: true });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^\[compile\] could not run without the software it builds on \(.*--stub-software: the code runs a command, \['make', '-C', .*\], which is not run\): stood in \(--stub-software\)$/);
    assert.deepEqual(readdirSync(join(dir, 'parts', 'compile')), ['bin']);
    assert.equal(read(join(dir, 'schema.json')), '{}');
    assert.equal(installedOptions(dir, 'schema')!.get('__buildout_installed__'), join(dir, 'schema.json'));
  });
});

test('--stub-software: a download or template that cannot be had is an empty stand-in with a warning; without it, an error', async () => {
  const sections =
    '[remote]\nrecipe = slapos.recipe.build:download\nurl = https://example.invalid/data.bin\nmd5sum = 0123456789abcdef0123456789abcdef\n' +
    '[absent]\nrecipe = slapos.recipe.build:download-unpacked\nurl = ${buildout:directory}/absent.tar.gz\n' +
    '[tpl]\nrecipe = slapos.recipe.template:jinja2\nurl = ${buildout:directory}/absent.in\noutput = ${buildout:directory}/out.cfg\n' +
    '[plain]\nrecipe = slapos.recipe.template\nurl = ${buildout:directory}/absent.in\noutput = ${buildout:directory}/plain.cfg\n';
  await withTree({}, async (dir) => {
    writeProfile(dir, `[buildout]\nparts = remote absent tpl plain\noffline = true\n${sections}`);
    const { warnings } = await run(dir, { stubSoftware: true });
    // slapos.recipe.template reads its template at init, the others at install
    assert.deepEqual(warnings.map((w) => w.replaceAll(dir, 'DIR')), [
      '[plain] cannot read DIR/absent.in: ENOENT: an empty stand-in instead (--stub-software)',
      "[remote] Couldn't download 'https://example.invalid/data.bin' in offline mode.: an empty stand-in instead (--stub-software)",
      '[absent] cannot read DIR/absent.tar.gz: ENOENT: an empty stand-in instead (--stub-software)',
      "[tpl] cannot read the template DIR/absent.in: ENOENT: no such file or directory, open 'DIR/absent.in': an empty stand-in instead (--stub-software)",
    ]);
    assert.equal(read(join(dir, 'parts', 'remote', 'remote')), '');
    assert.deepEqual(readdirSync(join(dir, 'parts', 'absent')), []);
    assert.equal(read(join(dir, 'out.cfg')), '');
    assert.equal(read(join(dir, 'plain.cfg')), '');
  });
  await withTree({}, async (dir) => {
    writeProfile(dir, `[buildout]\nparts = remote\noffline = true\n${sections}`);
    await assert.rejects(run(dir), /Couldn't download 'https:\/\/example.invalid\/data.bin' in offline mode/);
  });
});

test('--stub-software: a download into a part stood in gets its directory; for real, a missing directory is a located error', async () => {
  await withTree({ 'data.js': 'x' }, async (dir) => {
    const sections =
      "[plugins]\nrecipe = slapos.recipe.build\ninstall =\n  call(['unzip', 'plugins.zip', '-d', location])\n" +
      '[login.js]\nrecipe = slapos.recipe.build:download\nurl = ${buildout:directory}/data.js\ndestination = ${plugins:location}/login/login.js\n';
    writeProfile(dir, profile(['plugins', 'login.js'], sections));
    await run(dir, { stubSoftware: true });
    assert.equal(read(join(dir, 'parts', 'plugins', 'login', 'login.js')), 'x');
  });
  await withTree({ 'data.js': 'x' }, async (dir) => {
    mkdirSync(join(dir, 'parts'));
    writeFileSync(join(dir, 'buildout.cfg'), profile(['login.js'], '[login.js]\nrecipe = slapos.recipe.build:download\nurl = ${buildout:directory}/data.js\ndestination = ${buildout:directory}/nowhere/login.js\n'));
    await assert.rejects(run(dir), /\[login\.js\] cannot download to .*\/nowhere\/login\.js: its directory does not exist/);
  });
});
