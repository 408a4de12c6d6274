// slapos.cookbook:publish reads the options it publishes at install, as the
// original's _install does: another part's init may still set some (erp5's
// balancer sets its families' URLs in [publish] from an init).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { read, run } from './run.ts';

test('publish: options set in its section (and in an extended one) by a later part\'s init are published', async () => {
  await withTree(
    {
      'buildout.cfg': `[buildout]
parts = publish setter

[publish]
recipe = slapos.cookbook:publish.serialised
-extends = more
early = 1

[more]
kept = 2

[setter]
recipe = slapos.recipe.build
init =
  self.buildout['publish']['late'] = 'https://127.0.0.1:2150'
  self.buildout['more']['later'] = 'x'
install =
`,
    },
    async (dir) => {
      await run(dir);
      const published = JSON.parse(read(join(dir, '.published-parameters.json')));
      assert.deepEqual(published.publish.parameters, { early: '1', kept: '2', late: 'https://127.0.0.1:2150', later: 'x' });
    },
  );
});
