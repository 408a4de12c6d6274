// The promises' grace after services start: failing promises are retried
// only while a service may still begin to listen (runPromises' settling).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPromises } from '../../slapos/node/promises.ts';
import { withTree } from '../helpers/files.ts';

test('promise grace: retried while settling says so, then the failure counts; without settling, until the grace ends', async () => {
  // a legacy promise that fails and counts its runs
  const promise = '#!/bin/sh\necho run >> "$(dirname "$0")/../../runs"\necho down; exit 1\n';
  await withTree({ 'etc/promise/service': promise }, async (dir) => {
    chmodSync(join(dir, 'etc', 'promise', 'service'), 0o755);
    let asked = 0;
    const results = await runPromises(dir, 60_000, undefined, async () => ++asked < 3);
    assert.equal(asked, 3);
    assert.equal(readFileSync(join(dir, 'runs'), 'utf8'), 'run\n'.repeat(3));
    assert.deepEqual(results.map((r) => [r.name, r.failed, r.message.trim()]), [['service', true, 'down']]);
  });
});
