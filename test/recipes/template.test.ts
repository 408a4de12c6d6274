import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { md5Hex } from '../../recipes/lib/files.ts';
import { withTree } from '../helpers/files.ts';
import { modeOf, mtimeOf, profile, read, run, writeProfile } from './run.ts';

const TEMPLATE = 'listen ${conf:port}\nroot ${buildout:directory}\nliteral $${not:substituted}\n';

test('slapos.recipe.template: inline text substituted at init, parents created, a re-run rewrites nothing', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['t'], `[conf]\nport = 8080\n[t]\nrecipe = slapos.recipe.template\ninline =\n  listen \${conf:port}\n  literal $\${x:y}\noutput = \${buildout:directory}/etc/deep/conf\n`));
    await run(dir);
    const out = join(dir, 'etc', 'deep', 'conf');
    assert.equal(read(out), 'listen 8080\nliteral ${x:y}');
    const before = mtimeOf(out);
    await run(dir);
    assert.equal(mtimeOf(out), before);
    // a changed dependency reinstalls and rewrites
    writeProfile(dir, read(join(dir, 'buildout.cfg')).replace('port = 8080', 'port = 9090'));
    const { report } = await run(dir);
    assert.deepEqual(report.installed, ['t']);
    assert.equal(read(out), 'listen 9090\nliteral ${x:y}');
  });
});

test('slapos.recipe.template: url with md5sum, mode, #! scripts executable by default', async () => {
  await withTree({ 'tpl.in': TEMPLATE, 'script.in': '#!/bin/sh\necho ${conf:port}\n' }, async (dir) => {
    const md5 = md5Hex(TEMPLATE);
    writeProfile(
      dir,
      profile(
        ['a', 'b', 'c'],
        `[conf]\nport = 1\n[a]\nrecipe = slapos.recipe.template\nurl = \${buildout:directory}/tpl.in\noutput = \${buildout:directory}/a\nmode = 640\n` +
          `[b]\nrecipe = slapos.recipe.template\nurl = script.in\noutput = \${buildout:directory}/b\n` +
          `[c]\nrecipe = slapos.recipe.template\nurl = file://\${buildout:directory}/tpl.in\nmd5sum = ${md5}\noutput = \${buildout:directory}/c\n`,
      ),
    );
    await run(dir);
    assert.equal(read(join(dir, 'a')), `listen 1\nroot ${dir}\nliteral \${not:substituted}\n`);
    assert.equal(modeOf(join(dir, 'a')), 0o640);
    assert.equal(read(join(dir, 'b')), '#!/bin/sh\necho 1\n');
    assert.equal(modeOf(join(dir, 'b')) & 0o100, 0o100);
    assert.equal(read(join(dir, 'c')), read(join(dir, 'a')));
    // same bytes, wrong mode: only the mode is fixed
    chmodSync(join(dir, 'a'), 0o600);
    const before = mtimeOf(join(dir, 'a'));
    await run(dir);
    assert.equal(modeOf(join(dir, 'a')), 0o640);
    assert.equal(mtimeOf(join(dir, 'a')), before);
  });
});

test('slapos.recipe.template: errors', async () => {
  const cases: [string, RegExp][] = [
    ['url = ${buildout:directory}/tpl.in\nmd5sum = 00000000000000000000000000000000', /MD5 checksum mismatch downloading '.*tpl.in'/],
    ['mode = 0644', /no template: give url or inline/],
    ['inline = ${missing:option}', /The referenced section, 'missing', was not defined|missing/],
    ['url = ${buildout:directory}/nope', /cannot read .*nope: ENOENT/],
    ['url = https://example.invalid/x', /Couldn't download 'https:\/\/example.invalid\/x' in offline mode/],
  ];
  for (const [over, error] of cases) {
    await withTree({ 'tpl.in': TEMPLATE }, async (dir) => {
      writeProfile(dir, `[buildout]\nparts = t\noffline = true\n[conf]\nport = 1\n[t]\nrecipe = slapos.recipe.template\noutput = \${buildout:directory}/out\n${over}\n`);
      await assert.rejects(run(dir), error);
      assert.equal(existsSync(join(dir, 'out')), false);
    });
  }
});

test('slapos.recipe.template: inline wins over a url the section keeps as data (software/pureftpd)', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, `[buildout]\nparts = t\n[t]\nrecipe = slapos.recipe.template\nurl = ftp://[::1]:21\ninline = at \${:url}\noutput = \${buildout:directory}/out\n`);
    await run(dir);
    assert.equal(read(join(dir, 'out')), 'at ftp://[::1]:21');
  });
});

test('collective.recipe.template: inline: and file input (its mode copied)', async () => {
  await withTree({ 'in.sh': '#!/bin/sh\necho ${conf:port} $${HOME}\n' }, async (dir) => {
    chmodSync(join(dir, 'in.sh'), 0o750);
    writeProfile(
      dir,
      profile(
        ['a', 'b'],
        '[conf]\nport = 7\n[a]\nrecipe = collective.recipe.template\ninput = inline:\n  [section]\n  port = ${conf:port}\noutput = ${buildout:directory}/a.ini\nmode = 0600\n' +
          '[b]\nrecipe = collective.recipe.template\ninput = ${buildout:directory}/in.sh\noutput = ${buildout:directory}/bin/b\n',
      ),
    );
    await run(dir);
    assert.equal(read(join(dir, 'a.ini')), '[section]\nport = 7');
    assert.equal(modeOf(join(dir, 'a.ini')), 0o600);
    assert.equal(read(join(dir, 'bin', 'b')), '#!/bin/sh\necho 7 ${HOME}\n');
    assert.equal(modeOf(join(dir, 'bin', 'b')), 0o750);
    const before = mtimeOf(join(dir, 'a.ini'));
    await run(dir);
    assert.equal(mtimeOf(join(dir, 'a.ini')), before);
    writeFileSync(join(dir, 'in.sh'), 'changed ${conf:port}');
    await run(dir);
    assert.equal(read(join(dir, 'bin', 'b')), 'changed 7');
  });
});
