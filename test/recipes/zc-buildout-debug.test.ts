// zc.buildout:debug, zc.buildout's test recipe (recipes/zc-buildout-debug.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');

test("zc.buildout:debug prints the part's options, sorted, as name=repr(value), at install and update", async () => {
  await withTree({ 'buildout.cfg': "[buildout]\nparts = p\n[p]\nrecipe = zc.buildout:debug\nz = it's\na = 1\n  2 b\n" }, async (dir) => {
    const run = () => spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '--semantics', 'buildout2'], { cwd: dir, encoding: 'utf8' });
    const first = run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Installing p\.\n {2}a='1\\n2 b'\n {2}recipe='zc\.buildout:debug'\n {2}z="it's"\n$/);
    const second = run();
    assert.equal(second.stdout, "Updating p.\n  a='1\\n2 b'\n  recipe='zc.buildout:debug'\n  z=\"it's\"\n");
  });
});
