// The generic fallback: a recipe tsbuildout does not implement, run from
// its egg in develop-eggs (fixtures/pybridge/egg, a recipe written for this
// test) through zc.buildout's recipe protocol; compared with the real
// zc.buildout running the same profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { readInstalled } from '../../executor/installed.ts';
import { findRecipeEgg, parseEntryPoints } from '../../recipes/python-egg.ts';
import { parseRecipeSpec } from '../../recipes/registry.ts';
import { read, run } from '../recipes/run.ts';
import { copyFixture, fixture, realBuildout, realBuildoutAvailable, record, tree } from './harness.ts';

test('the recipe egg is found in develop-eggs with its entry points', () => {
  const dirs = { develop: join(fixture('egg'), 'develop-eggs'), eggs: join(fixture('egg'), 'eggs'), pins: new Map<string, string>() };
  const egg = findRecipeEgg(dirs, parseRecipeSpec('tsbtest.recipe')!)!;
  assert.equal(egg.dist.version, '1.0');
  assert.equal(egg.dist.develop, true);
  assert.equal(egg.dist.location, join(fixture('egg'), 'src'));
  assert.equal(egg.entry, 'tsbtest_recipe:Recipe');
  assert.equal(egg.uninstall, 'tsbtest_recipe:uninstall');
  assert.equal(findRecipeEgg(dirs, parseRecipeSpec('TSBtest_Recipe:noupdate')!)!.entry, 'tsbtest_recipe:NoUpdate');
  assert.equal(findRecipeEgg(dirs, parseRecipeSpec('tsbtest.recipe:nothing')!), undefined);
  assert.deepEqual([...parseEntryPoints('[a]\nx = m:f [extra]\n# c\n[b]\n').get('a')!], [['x', 'm:f']]);
});

test('an egg in eggs-directory, with its dependencies and the [versions] pin', async () => {
  await withTree({}, async (dir) => {
    const egg = (name: string, version: string, requires = '') => {
      const info = join(dir, 'eggs', `${name}-${version}-py3.11.egg`, 'EGG-INFO');
      mkdirSync(info, { recursive: true });
      writeFileSync(join(info, 'entry_points.txt'), '[zc.buildout]\ndefault = r:R\n');
      writeFileSync(join(info, 'requires.txt'), requires);
    };
    egg('the_recipe', '1.0', 'dep>=1\n[test]\nnot-this\n');
    egg('the_recipe', '2.0', 'dep>=1\n');
    egg('dep', '3.1');
    const dirs = { develop: join(dir, 'develop-eggs'), eggs: join(dir, 'eggs'), pins: new Map<string, string>() };
    const newest = findRecipeEgg(dirs, parseRecipeSpec('the-recipe')!)!;
    assert.equal(newest.dist.version, '2.0');
    assert.deepEqual(newest.paths, [join(dir, 'eggs', 'the_recipe-2.0-py3.11.egg'), join(dir, 'eggs', 'dep-3.1-py3.11.egg')]);
    const pinned = findRecipeEgg({ ...dirs, pins: new Map([['the-recipe', '1.0']]) }, parseRecipeSpec('the-recipe')!)!;
    assert.equal(pinned.dist.version, '1.0');
  });
});

test('fixtures/pybridge/egg: install, update, the uninstall entry point, as the real zc.buildout runs them', async () => {
  await withTree({}, async (ts) => {
    copyFixture('egg', ts);
    const first = await run(ts);
    assert.deepEqual(first.report.installed, ['hello', 'plain']);
    assert.ok(first.lines.includes('hello: installed parts/hello'), first.lines.join('\n'));
    const options = JSON.parse(read(join(ts, 'parts', 'hello', 'options.json'))) as Record<string, string>;
    assert.equal(options.greeting, 'hello tsbuildout');
    assert.equal(options['source-value'], 'from the source section');
    const second = await run(ts);
    assert.deepEqual(second.report.updated, ['hello', 'plain']);
    // no update method: zc.buildout calls install, and says so
    assert.ok(second.warnings.includes("The recipe for plain doesn't define an update method. Using its install method."));
    assert.equal(read(join(ts, 'parts', 'hello', 'updates')), 'update\n');
    // [hello] leaves the profile: the egg's uninstall entry point runs, then its files go
    const cfg = join(ts, 'buildout.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('parts = hello plain', 'parts = plain'));
    const third = await run(ts);
    assert.deepEqual(third.report.uninstalled.map((u) => u.part), ['hello']);
    assert.equal(read(join(ts, 'uninstalled-hello')), 'hello tsbuildout');
    assert.equal(existsSync(join(ts, 'parts', 'hello')), false);

    if (!realBuildoutAvailable()) return;
    await withTree({}, async (zc) => {
      copyFixture('egg', zc);
      for (const parts of ['hello plain', 'hello plain', 'plain']) {
        const c = join(zc, 'buildout.cfg');
        writeFileSync(c, readFileSync(c, 'utf8').replace(/^parts = .*$/m, `parts = ${parts}`));
        const r = realBuildout(zc);
        assert.equal(r.status, 0, r.output);
      }
      assert.deepEqual(tree(ts), tree(zc));
      assert.equal(read(join(ts, 'uninstalled-hello')), read(join(zc, 'uninstalled-hello')));
      assert.deepEqual(record(ts), record(zc));
    });
  });
});

test('a failing egg recipe install: created paths removed, traceback in the egg, part not recorded', async () => {
  await withTree({}, async (ts) => {
    copyFixture('egg', ts);
    const cfg = join(ts, 'buildout.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('who = tsbuildout', 'who = tsbuildout\nfail = install'));
    await assert.rejects(run(ts), (e: Error & { primary?: { message: string; related?: { message: string }[] } }) => {
      assert.equal(e.primary!.message, '[hello] install: ValueError: failing as asked');
      assert.ok(e.primary!.related!.some((r) => r.message === "in install: raise ValueError('failing as asked')"), JSON.stringify(e.primary!.related));
      return true;
    });
    assert.equal(existsSync(join(ts, 'parts', 'hello')), false);
    assert.equal(existsSync(join(ts, '.installed.cfg')), false);
  });
});

test('a develop recipe egg signs its parts with its source tree: editing the recipe reinstalls them', async () => {
  await withTree({}, async (ts) => {
    copyFixture('egg', ts);
    await run(ts);
    const before = readInstalled(join(ts, '.installed.cfg')).options.get('hello')!.get('__buildout_signature__')!;
    assert.match(before, /^tsbtest\.recipe-[0-9a-f]{32} source:[0-9a-f]{32}$/);
    assert.deepEqual((await run(ts)).report.uninstalled, []);
    const source = join(ts, 'src', 'tsbtest_recipe', '__init__.py');
    writeFileSync(source, readFileSync(source, 'utf8') + '# edited\n');
    const r = await run(ts);
    assert.deepEqual(r.report.uninstalled.map((u) => u.part).sort(), ['hello', 'plain']);
    assert.deepEqual(r.report.installed, ['hello', 'plain']);
  });
});
