import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BuildoutError } from '../../parser/diagnostic.ts';
import { runBuildout, type RunOptions } from '../../executor/run.ts';
import { RECIPES } from '../../recipes/index.ts';
import { RecipeRegistry } from '../../recipes/registry.ts';
import { RecipeError, type RecipeModule } from '../../recipes/api.ts';
import { readInstalled } from '../../executor/installed.ts';
import { lockDirectory } from '../../executor/lock.ts';
import { withTree } from '../helpers/files.ts';
import type { SemanticsMode } from '../../profile/semantics.ts';

/** A recipe for tests: writes `content` to `path`; can be told to fail. */
const fileRecipe: RecipeModule = {
  names: ['test.recipe:file'],
  init({ options }) {
    const path = options.require('path');
    const content = options.get('content') ?? '';
    const failInstall = options.get('fail-install') === 'yes';
    const failUpdate = options.get('fail-update') === 'yes';
    return {
      install() {
        if (failInstall) throw new RecipeError('install failed on purpose');
        writeFileSync(path, content);
        return path;
      },
      update() {
        if (failUpdate) throw new RecipeError('update failed on purpose');
        return undefined;
      },
    };
  },
  uninstall({ name, options, directory }) {
    appendFileSync(join(directory, 'uninstall.log'), `${name} ${options.get('path')}\n`);
  },
};

const registry = new RecipeRegistry([...RECIPES, fileRecipe]);

async function runIn(dir: string, extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const report = await runBuildout({
    config: join(dir, 'buildout.cfg'),
    cwd: dir,
    userDefaults: false,
    executable: '/usr/bin/python3',
    env: { python: '3.11' },
    registry,
    logger: { info: (m) => lines.push(m), warning: (m) => lines.push('WARNING ' + m), debug: () => undefined },
    ...extra,
  });
  return { report, lines };
}

const profile = (over = '') =>
  [
    '[buildout]',
    'parts = dirs a b',
    '[dirs]',
    'recipe = slapos.cookbook:mkdirectory',
    'etc = ${buildout:directory}/etc',
    'unrelated = 1',
    '[a]',
    'recipe = test.recipe:file',
    'path = ${dirs:etc}/a',
    'content = A',
    '[b]',
    'recipe = test.recipe:file',
    'path = ${buildout:directory}/b',
    'content = B',
    over,
  ].join('\n');

test('install, then a re-run changes nothing', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    const first = await runIn(dir);
    assert.deepEqual(first.report.installed, ['dirs', 'a', 'b']);
    assert.equal(readFileSync(join(dir, 'etc', 'a'), 'utf8'), 'A');
    const installed = join(dir, '.installed.cfg');
    const before = statSync(installed).mtimeMs;
    const beforeA = statSync(join(dir, 'etc', 'a')).mtimeMs;
    const second = await runIn(dir);
    assert.deepEqual(second.report, { uninstalled: [], installed: [], updated: ['dirs', 'a', 'b'] });
    assert.equal(statSync(installed).mtimeMs, before, '.installed.cfg is not rewritten');
    assert.equal(statSync(join(dir, 'etc', 'a')).mtimeMs, beforeA);
  });
});

test('changing one option reinstalls that part only', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    await runIn(dir);
    writeFileSync(join(dir, 'buildout.cfg'), profile().replace('content = B', 'content = B2'));
    const { report } = await runIn(dir);
    assert.deepEqual(report.uninstalled.map((u) => u.part), ['b']);
    assert.deepEqual(report.installed, ['b']);
    assert.equal(readFileSync(join(dir, 'b'), 'utf8'), 'B2');
    assert.equal(readFileSync(join(dir, 'uninstall.log'), 'utf8'), `b ${join(dir, 'b')}\n`);
  });
});

for (const [semantics, reinstalled] of [['slapos', ['a']], ['buildout2', []]] as [SemanticsMode, string[]][]) {
  test(`a change in a dependency's other option reinstalls its dependents in ${semantics} semantics`, async () => {
    await withTree({ 'buildout.cfg': profile() }, async (dir) => {
      await runIn(dir, { semantics });
      writeFileSync(join(dir, 'buildout.cfg'), profile().replace('unrelated = 1', 'unrelated = 2'));
      const { report } = await runIn(dir, { semantics });
      // dirs itself changed in both; a depends on dirs only through the fork's signature
      assert.deepEqual(report.uninstalled.map((u) => u.part).sort(), ['dirs', ...reinstalled].sort());
    });
  });
}

test('removing a part from parts uninstalls it and deletes its files', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    await runIn(dir);
    writeFileSync(join(dir, 'buildout.cfg'), profile().replace('parts = dirs a b', 'parts = dirs a'));
    const { report } = await runIn(dir);
    assert.deepEqual(report.uninstalled, [{ part: 'b', reason: { kind: 'not-selected' } }]);
    assert.equal(existsSync(join(dir, 'b')), false);
    assert.deepEqual(readInstalled(join(dir, '.installed.cfg')).parts, ['dirs', 'a']);
  });
});

test('a recorded file deleted by hand makes the part reinstall', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    await runIn(dir);
    rmSync(join(dir, 'b'));
    const { report } = await runIn(dir);
    assert.deepEqual(report.uninstalled[0]!.reason, { kind: 'files-missing', files: [join(dir, 'b')] });
    assert.equal(readFileSync(join(dir, 'b'), 'utf8'), 'B');
  });
});

test('a failing install leaves the parts before it recorded; the next run recovers', async () => {
  await withTree({ 'buildout.cfg': profile('[b]\nfail-install = yes\n') }, async (dir) => {
    await assert.rejects(runIn(dir), (e: BuildoutError) => {
      assert.match(e.primary.message, /install failed on purpose/);
      assert.ok(e.primary.chain!.includes('Installing b.'));
      return true;
    });
    assert.deepEqual(readInstalled(join(dir, '.installed.cfg')).parts, ['dirs', 'a']);
    writeFileSync(join(dir, 'buildout.cfg'), profile());
    const { report } = await runIn(dir);
    assert.deepEqual(report.installed, ['b']);
  });
});

test('a failing update forgets the part and removes its files; the next run installs it again', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    await runIn(dir);
    writeFileSync(join(dir, 'buildout.cfg'), profile() + '\n[b]\nfail-update = yes\n');
    // fail-update is a new option: b reinstalls rather than updates, so make it update-only
    const state = readInstalled(join(dir, '.installed.cfg'));
    state.options.get('b')!.set('fail-update', 'yes');
    const { writeInstalled } = await import('../../executor/installed.ts');
    writeInstalled(join(dir, '.installed.cfg'), state);
    await assert.rejects(runIn(dir), /update failed on purpose/);
    assert.deepEqual(readInstalled(join(dir, '.installed.cfg')).parts, ['dirs', 'a']);
    assert.equal(existsSync(join(dir, 'b')), false);
    writeFileSync(join(dir, 'buildout.cfg'), profile());
    assert.deepEqual((await runIn(dir)).report.installed, ['b']);
  });
});

test('install PART installs only that part and keeps the others', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    await runIn(dir, { installArgs: ['b'] });
    assert.deepEqual(readInstalled(join(dir, '.installed.cfg')).parts, ['b']);
    await runIn(dir);
    writeFileSync(join(dir, 'buildout.cfg'), profile().replace('parts = dirs a b', 'parts = dirs'));
    const { report } = await runIn(dir, { installArgs: ['dirs'] });
    assert.deepEqual(report.uninstalled, []);
  });
});

test('--dry-run reports and touches nothing', async () => {
  await withTree({ 'buildout.cfg': profile() }, async (dir) => {
    const { report, lines } = await runIn(dir, { dryRun: true });
    assert.deepEqual(report.installed, ['dirs', 'a', 'b']);
    assert.deepEqual(lines, ['Installing dirs.', 'Installing a.', 'Installing b.']);
    assert.equal(existsSync(join(dir, '.installed.cfg')), false);
    assert.equal(existsSync(join(dir, 'etc')), false);
  });
});

test('an unknown recipe names the recipe, the part and what is supported', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = x\n[x]\nrecipe = no.such:recipe\n' }, async (dir) => {
    await assert.rejects(runIn(dir), (e: BuildoutError) => {
      assert.equal(e.primary.message, "Unknown recipe 'no.such:recipe' for part [x]: tsbuildout does not implement it");
      assert.match(e.primary.hint!, /slapos\.cookbook:mkdirectory/);
      return true;
    });
  });
});

test('a second run waits for the lock, or fails clearly after its timeout', async () => {
  await withTree({}, async (dir) => {
    const lock = await lockDirectory(dir);
    await assert.rejects(lockDirectory(dir, { timeoutSeconds: 0.3 }), /another run \(pid \d+\) holds/);
    setTimeout(() => lock.release(), 200);
    const said: string[] = [];
    const second = await lockDirectory(dir, { timeoutSeconds: 5, say: (m) => said.push(m) });
    assert.match(said[0]!, /^Waiting for the run of pid/);
    second.release();
  });
});

test('zc.buildout reads the .installed.cfg tsbuildout writes', async () => {
  await withTree({ 'buildout.cfg': profile('[a]\ncontent =\n  two  spaces\n\n  blank above\n') }, async (dir) => {
    await runIn(dir);
    const py = `
import sys, json, collections, collections.abc
collections.MutableMapping = collections.abc.MutableMapping  # Debian's zc.buildout 2.13 on Python 3.10+
import zc.buildout.configparser as c
from zc.buildout.buildout import _spacey_defaults
d = c.parse(open(sys.argv[1]), sys.argv[1])
for s in d.values():
    for k, v in list(s.items()):
        if '%(' in v:
            for a, b in _spacey_defaults: v = v.replace(a, b)
            s[k] = v
print(json.dumps(d))`;
    const r = spawnSync('/usr/bin/python3', ['-c', py, join(dir, '.installed.cfg')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout) as Record<string, Record<string, string>>;
    const ours = readInstalled(join(dir, '.installed.cfg'));
    assert.equal(theirs.a!.content, 'two  spaces\n\nblank above');
    for (const p of ours.parts) assert.deepEqual(theirs[p], Object.fromEntries(ours.options.get(p)!));
  });
});

test('an option named `k +` survives the record (zc.buildout issue 63 made readable)', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = n\n[n]\nrecipe = test.recipe:file\npath = ${buildout:directory}/n\npatches += one\n' }, async (dir) => {
    await runIn(dir, { semantics: 'buildout2' });
    assert.match(readFileSync(join(dir, '.installed.cfg'), 'utf8'), /^patches \+ = one$/m);
    assert.equal(readInstalled(join(dir, '.installed.cfg')).options.get('n')!.get('patches +'), 'one');
    const again = await runIn(dir, { semantics: 'buildout2' });
    assert.deepEqual(again.report.updated, ['n']);
  });
});
