import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { md5Hex } from '../../recipes/lib/files.ts';
import { withTree } from '../helpers/files.ts';
import { installedOptions, modeOf, profile, read, run, writeProfile } from './run.ts';

test('slapos.recipe.build:download: location and target written back, md5sum checked, mode', async () => {
  await withTree({ 'src/data.bin': 'payload' }, async (dir) => {
    const md5 = md5Hex('payload');
    writeProfile(
      dir,
      profile(
        ['dl', 'use'],
        `[dl]\nrecipe = slapos.recipe.build:download\nurl = file://\${buildout:directory}/src/data.bin\nmd5sum = ${md5}\nmode = 0755\n` +
          '[use]\nrecipe = slapos.recipe.template\ninline = ${dl:location} ${dl:target}\noutput = ${buildout:directory}/use\n',
      ),
    );
    await run(dir);
    const location = join(dir, 'parts', 'dl');
    // the file is named after the part, as slapos.recipe.build names it
    assert.equal(read(join(dir, 'use')), `${location} ${location}/dl`);
    assert.equal(read(join(location, 'dl')), 'payload');
    assert.equal(modeOf(join(location, 'dl')), 0o755);
    assert.equal(installedOptions(dir, 'dl')!.get('__buildout_installed__'), location);
    writeProfile(dir, read(join(dir, 'buildout.cfg')).replace(md5, md5Hex('other')));
    await assert.rejects(run(dir), /MD5 checksum mismatch downloading '.*data.bin'/);
  });
});

test('slapos.recipe.build:download: filename names the file in location; with destination it is not read (mail-server profiles say both)', async () => {
  await withTree({ 'src/data.bin': 'payload', 'srv/.keep': '' }, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['named', 'placed', 'use'],
        `[named]\nrecipe = slapos.recipe.build:download\nurl = \${buildout:directory}/src/data.bin\nfilename = x.json\n` +
          `[placed]\nrecipe = slapos.recipe.build:download\nurl = \${buildout:directory}/src/data.bin\nfilename = ignored\ndestination = \${buildout:directory}/srv/y.json\n` +
          '[use]\nrecipe = slapos.recipe.template\ninline = ${named:target} ${placed:target}\noutput = ${buildout:directory}/use\n',
      ),
    );
    await run(dir);
    assert.equal(read(join(dir, 'use')), `${join(dir, 'parts', 'named', 'x.json')} ${join(dir, 'srv', 'y.json')}`);
    assert.equal(read(join(dir, 'srv', 'y.json')), 'payload');
    assert.equal(installedOptions(dir, 'placed')!.get('__buildout_installed__'), join(dir, 'srv', 'y.json'));
    // a destination whose directory does not exist: the recipe's error, located
    writeProfile(dir, read(join(dir, 'buildout.cfg')).replace('/srv/y.json', '/missing/y.json'));
    await assert.rejects(run(dir), /\[placed\] cannot download to .*\/missing\/y\.json: its directory does not exist/);
  });
});

function archive(dir: string, name: string, files: Record<string, string>): string {
  const src = join(dir, `${name}-src`);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(src, p, '..'), { recursive: true });
    writeFileSync(join(src, p), text);
  }
  const file = join(dir, `${name}.tar.gz`);
  tar.c({ gzip: true, file, cwd: src, sync: true }, readdirSync(src));
  return file;
}

test('slapos.recipe.build:download-unpacked: extracted, a single top-level directory stripped', async () => {
  await withTree({}, async (dir) => {
    const one = archive(dir, 'one', { 'pkg-1.0/README': 'hello', 'pkg-1.0/bin/run': 'x' });
    const two = archive(dir, 'two', { 'a/x': '1', 'b': '2' });
    writeProfile(
      dir,
      profile(
        ['one', 'two', 'keep'],
        `[one]\nrecipe = slapos.recipe.build:download-unpacked\nurl = ${one}\nmd5sum = ${md5Hex(require_(one))}\n` +
          `[two]\nrecipe = slapos.recipe.build:download-unpacked\nurl = ${two}\ndestination = \${buildout:directory}/srv/two\n` +
          `[keep]\nrecipe = slapos.recipe.build:download-unpacked\nurl = ${one}\nstrip-top-level-dir = false\n`,
      ),
    );
    await run(dir);
    assert.equal(read(join(dir, 'parts', 'one', 'README')), 'hello');
    assert.equal(read(join(dir, 'srv', 'two', 'b')), '2');
    assert.equal(read(join(dir, 'srv', 'two', 'a', 'x')), '1');
    assert.equal(read(join(dir, 'parts', 'keep', 'pkg-1.0', 'README')), 'hello');
    assert.equal(installedOptions(dir, 'two')!.get('__buildout_installed__'), join(dir, 'srv', 'two'));
    const again = await run(dir);
    assert.deepEqual(again.report.uninstalled, []);
    // uninstall removes the tree
    writeProfile(dir, profile(['one'], read(join(dir, 'buildout.cfg')).split('\n\n')[1]!));
    await run(dir);
    assert.equal(existsSync(join(dir, 'srv', 'two')), false);
  });
});

function require_(path: string): Buffer {
  return spawnSync('cat', [path]).stdout;
}

test('slapos.recipe.build:download-unpacked: entries outside the destination are skipped, as setuptools skips them; a broken archive is refused', async () => {
  await withTree({}, async (dir) => {
    const evil = join(dir, 'evil.tar');
    const py = `import io,sys,tarfile
t = tarfile.open(sys.argv[1], 'w')
for name in ('ok', '../evil'):
    i = tarfile.TarInfo(name); i.size = 1; t.addfile(i, io.BytesIO(b'x'))
t.close()`;
    assert.equal(spawnSync('python3', ['-c', py, evil]).status, 0);
    writeProfile(dir, profile(['x'], `[x]\nrecipe = slapos.recipe.build:download-unpacked\nurl = ${evil}\n`));
    await run(dir);
    assert.equal(existsSync(join(dir, 'evil')), false);
    assert.deepEqual(readdirSync(join(dir, 'parts', 'x')), ['ok']);
    writeFileSync(join(dir, 'not.zip'), 'PK\x03\x04rest');
    writeProfile(dir, profile(['x'], `[x]\nrecipe = slapos.recipe.build:download-unpacked\nurl = ${join(dir, 'not.zip')}\n`));
    await assert.rejects(run(dir), /\[x\] cannot unpack '.*not\.zip': not a zip file \(no end of central directory\)/);
  });
});
