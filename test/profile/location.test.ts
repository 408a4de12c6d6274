// profile/location.ts: normalisePath gives what path.resolve gives for any
// absolute path (it stands in for it on every extends entry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { locate, normalisePath } from '../../profile/location.ts';

test('normalisePath is path.resolve for absolute paths and relative ones', () => {
  for (const p of ['/', '/a', '/a/', '//a//b/', '/a/./b/../c', '/..', '/../..', '/a/b/../../..', '/a/.../b', '/a/..b/c', 'a/../b', '', '.']) assert.equal(normalisePath(p), resolve(p), p);
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', '.', '..', '', '...', '.a', 'a.'), { maxLength: 12 }), fc.boolean(), (segments, absolute) => {
      const p = (absolute ? '/' : '') + segments.join('/');
      assert.equal(normalisePath(p), resolve(p));
    }),
    { numRuns: 2000 },
  );
});

test('an extends entry: its key normalised, its name and base as joined', () => {
  assert.deepEqual(locate('/p/software/erp5', '../../component/x/../y/buildout.cfg', true), {
    name: '/p/software/erp5/../../component/x/../y/buildout.cfg',
    key: '/p/component/y/buildout.cfg',
    remote: false,
    base: '/p/software/erp5/../../component/x/../y',
  });
});
