// hexagonit.recipe.download for real: an archive unpacked (stripped or
// not) into its destination, a file downloaded as it is with its mode, an
// existing entry refused unless ignore-existing, a wrong md5sum leaving
// nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { installedOptions, read, run, writeProfile } from './run.ts';

function archive(dir: string): string {
  mkdirSync(join(dir, 'src', 'pkg-1.0', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'src', 'pkg-1.0', 'README'), 'readme\n');
  writeFileSync(join(dir, 'src', 'pkg-1.0', 'sub', 'file'), 'file\n');
  const r = spawnSync('tar', ['czf', join(dir, 'pkg-1.0.tar.gz'), '-C', join(dir, 'src'), 'pkg-1.0']);
  assert.equal(r.status, 0, String(r.stderr));
  return join(dir, 'pkg-1.0.tar.gz');
}

test('hexagonit.recipe.download unpacks into its destination (strip-top-level-dir), downloads a file as it is (download-only, filename, mode)', async () => {
  await withTree({}, async (dir) => {
    const tgz = archive(dir);
    const md5 = createHash('md5').update(readFileSync(tgz)).digest('hex');
    writeProfile(
      dir,
      `[buildout]\nparts = plain stripped file\n\n[plain]\nrecipe = hexagonit.recipe.download\nurl = ${tgz}\nmd5sum = ${md5}\n\n` +
        `[stripped]\nrecipe = hexagonit.recipe.download\nurl = ${tgz}\nstrip-top-level-dir = true\ndestination = \${buildout:directory}/stripped\n\n` +
        `[file]\nrecipe = hexagonit.recipe.download\nurl = ${tgz}\ndownload-only = true\nfilename = copy.tgz\nmode = 0640\n`,
    );
    await run(dir);
    assert.equal(read(join(dir, 'parts', 'plain', 'pkg-1.0', 'sub', 'file')), 'file\n');
    assert.deepEqual(readdirSync(join(dir, 'stripped')).sort(), ['README', 'sub']);
    assert.deepEqual(readFileSync(join(dir, 'parts', 'file', 'copy.tgz')), readFileSync(tgz));
    assert.equal(statSync(join(dir, 'parts', 'file', 'copy.tgz')).mode & 0o777, 0o640);
    const plain = installedOptions(dir, 'plain')!;
    // the destination it made, and each entry it moved there (as the original lists them)
    assert.equal(plain.get('__buildout_installed__'), `${join(dir, 'parts', 'plain')}\n${join(dir, 'parts', 'plain', 'pkg-1.0')}`);
    assert.equal(plain.get('location'), join(dir, 'parts', 'plain'));
    assert.equal(plain.get('hash-name'), 'true');
    assert.equal(plain.get('download-only'), 'false');
  });
});

test('hexagonit.recipe.download: an existing entry is refused unless ignore-existing; a wrong md5sum leaves nothing', async () => {
  await withTree({}, async (dir) => {
    const tgz = archive(dir);
    mkdirSync(join(dir, 'dest', 'pkg-1.0'), { recursive: true });
    writeProfile(dir, `[buildout]\nparts = x\n\n[x]\nrecipe = hexagonit.recipe.download\nurl = ${tgz}\ndestination = \${buildout:directory}/dest\n`);
    await assert.rejects(run(dir), /\[x\] File or directory already exists: .*dest\/pkg-1\.0/);
    writeProfile(dir, `[buildout]\nparts = x\n\n[x]\nrecipe = hexagonit.recipe.download\nurl = ${tgz}\ndestination = \${buildout:directory}/dest\nignore-existing = true\n`);
    await run(dir);
    assert.ok(existsSync(join(dir, 'dest', 'pkg-1.0', 'pkg-1.0', 'README')));
    // nothing it did not make is recorded (an uninstall would not remove it)
    assert.equal(installedOptions(dir, 'x')!.get('__buildout_installed__'), '');
    writeProfile(dir, `[buildout]\nparts = y\n\n[y]\nrecipe = hexagonit.recipe.download\nurl = ${tgz}\nmd5sum = 0123456789abcdef0123456789abcdef\n`);
    await assert.rejects(run(dir), /MD5 checksum mismatch/);
    assert.equal(existsSync(join(dir, 'parts', 'y')), false);
  });
});
