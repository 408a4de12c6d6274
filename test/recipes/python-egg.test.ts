// A develop egg's signature entry (recipes/python-egg.ts distributionSignature).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distributionSignature, type Distribution } from '../../recipes/python-egg.ts';
import { withTree } from '../helpers/files.ts';

test("a develop egg's signature follows its files, not a broken symlink nor a symlinked directory's content (zc.buildout's _dir_hash)", async () => {
  await withTree({ 'recipe/setup.py': 'x', 'recipe/foo.py': 'class Foo: pass\n', 'elsewhere/a.txt': '1' }, async (dir) => {
    const location = join(dir, 'recipe');
    const dist: Distribution = { project: 'recipe', name: 'recipe', version: '0', location, metadata: join(location, 'recipe.egg-info'), develop: true };
    const first = distributionSignature(dist);
    assert.match(first, /^recipe-[0-9a-f]{32}$/);
    // tests.py bug_250537: a file, a symlink to it, the file removed
    writeFileSync(join(location, 'some-file'), '1');
    symlinkSync(join(location, 'some-file'), join(location, 'another-file'));
    assert.notEqual(distributionSignature(dist), first);
    rmSync(join(location, 'some-file'));
    assert.equal(distributionSignature(dist), first);
    // a symlinked directory is named, not entered
    symlinkSync(join(dir, 'elsewhere'), join(location, 'linked'));
    const linked = distributionSignature(dist);
    assert.notEqual(linked, first);
    writeFileSync(join(dir, 'elsewhere', 'a.txt'), '2');
    assert.equal(distributionSignature(dist), linked);
    // a change of a file's content changes it
    mkdirSync(join(location, 'sub'));
    writeFileSync(join(location, 'sub', 'b.py'), '');
    const withSub = distributionSignature(dist);
    writeFileSync(join(location, 'sub', 'b.py'), 'x = 1\n');
    assert.notEqual(distributionSignature(dist), withSub);
  });
});
