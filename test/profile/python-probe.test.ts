// The interpreter is asked once; its answer is kept per interpreter file
// and asked again when that file changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probePython } from '../../profile/python-probe.ts';
import { TargetEnvironment } from '../../profile/environment.ts';
import { withTree } from '../helpers/files.ts';

/** A stand-in interpreter that prints the probe's answer and counts its runs. */
function fakePython(dir: string, version: string): string {
  const path = join(dir, 'python');
  const [a, b, c] = version.split('.');
  writeFileSync(path, `#!/bin/sh\necho run >> ${JSON.stringify(join(dir, 'runs'))}\necho '[[${a}, ${b}, ${c}], "final", 0, "cpython", "${version} (fake)"]'\n`);
  chmodSync(path, 0o755);
  return path;
}

const runs = (dir: string) => readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length;

test('the probe runs the interpreter once, then answers from the cache', async () => {
  await withTree({}, async (dir) => {
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, 'cache');
    try {
      const python = fakePython(dir, '3.9.7');
      assert.deepEqual(probePython(python), [[3, 9, 7], 'final', 0, 'cpython', '3.9.7 (fake)']);
      assert.deepEqual(probePython(python)?.[0], [3, 9, 7]);
      assert.equal(runs(dir), 1);
      // the environment asks through it
      assert.deepEqual(new TargetEnvironment(python).pythonFacts().version, [3, 9, 7]);
      assert.equal(runs(dir), 1);
      // a replaced interpreter (another size) is asked again
      fakePython(dir, '3.12.10');
      assert.deepEqual(probePython(python)?.[0], [3, 12, 10]);
      assert.equal(runs(dir), 2);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});

test('an interpreter that cannot run gives no answer, and the environment says so', async () => {
  await withTree({}, async (dir) => {
    assert.equal(probePython(join(dir, 'no-such-python')), undefined);
    const env = new TargetEnvironment(join(dir, 'no-such-python'));
    assert.deepEqual(env.pythonFacts().version, [3, 11, 2]);
    assert.match(env.warning ?? '', /could not run .*no-such-python/);
  });
});
