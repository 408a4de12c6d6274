// plan on zc.recipe.egg parts: what the egg installer would get from
// find-links (an unpacked egg, a source distribution to build), what it has
// already, what it cannot find, and offline nothing; the plan writes
// nothing, and the run then installs what it said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { plan } from '../../inspect/plan.ts';
import { egg, file } from '../helpers/eggs.ts';
import { withTree } from '../helpers/files.ts';
import { run, writeProfile } from '../recipes/run.ts';
import { inspectIn } from './helpers.ts';

test('plan says which eggs a zc.recipe.egg part would get from find-links and which it cannot find, writing nothing', async () => {
  await withTree({}, async (dir) => {
    const links = join(dir, 'links');
    egg(links, 'alpha', '2.0', 'beta\n');
    egg(links, 'beta', '1.0');
    file(join(links, 'gamma-1.0.tar.gz'), '');
    writeProfile(dir, `[buildout]\nparts = app src lost\nfind-links = \${:directory}/links\nindex = \${:directory}/no-index\n\n[app]\nrecipe = zc.recipe.egg\neggs = alpha\n\n[src]\nrecipe = zc.recipe.egg:eggs\neggs = gamma\n\n[lost]\nrecipe = zc.recipe.egg\neggs = delta\n`);
    const before = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    const p = plan(await inspectIn(dir));
    const steps = (part: string) => (p.items.find((i) => i.part === part)?.software ?? []).map((s) => [s.action, s.what, s.path?.replace(dir, 'DIR'), s.reason]);
    assert.deepEqual(steps('app'), [
      ['local', 'alpha 2.0', 'DIR/links/alpha-2.0-py3.11.egg', 'not installed'],
      ['local', 'beta 1.0', 'DIR/links/beta-1.0-py3.11.egg', 'not installed'],
    ]);
    assert.deepEqual(steps('src'), [['build', 'gamma 1.0', 'DIR/links/gamma-1.0.tar.gz', 'not installed; a source distribution, built with its setup.py (its requirements are known once built)']]);
    assert.deepEqual(steps('lost'), [['missing', 'delta', undefined, "Couldn't find a distribution for 'delta'."]]);
    assert.deepEqual(readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort(), before, 'the plan wrote nothing');
    // offline: nothing can be installed
    const offline = plan(await inspectIn(dir, { assignments: [{ section: 'buildout', option: 'offline', value: 'true' }] }));
    assert.equal(offline.items.find((i) => i.part === 'app')?.software?.[0]?.action, 'missing');
    // the run installs what the plan said (app alone: gamma is no sdist, delta is nowhere)
    writeProfile(dir, `[buildout]\nparts = app\nfind-links = \${:directory}/links\nindex = \${:directory}/no-index\n\n[app]\nrecipe = zc.recipe.egg\neggs = alpha\n`);
    await run(dir);
    assert.deepEqual(readdirSync(join(dir, 'eggs')).sort(), ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']);
    assert.deepEqual((plan(await inspectIn(dir)).items.find((i) => i.part === 'app')?.software ?? []), [], 'installed: nothing to get');
  });
});
