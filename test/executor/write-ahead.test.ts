// The record's write-ahead lines (executor/installed.ts): a part cut after
// it wrote its files and before its record line (a killed run, a failed
// recipe) is replayed as installed-incomplete with those paths, kept out of
// .installed.cfg, and uninstalled by the next run, whether the profile
// drops it or keeps it (then installed afresh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyState, readInstalled, replay } from '../../executor/installed.ts';
import { runBuildout } from '../../executor/run.ts';
import { RECIPES } from '../../recipes/index.ts';
import { RecipeRegistry } from '../../recipes/registry.ts';
import { RecipeError, type RecipeModule } from '../../recipes/api.ts';
import { createFile } from '../../recipes/lib/files.ts';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

test('replay: announced paths without a record line make a part incomplete; its own later line completes or forgets it', () => {
  const state = emptyState();
  state.parts = ['old'];
  state.options.set('old', new Map([['recipe', 'r'], ['__buildout_installed__', '/d/old']]));
  replay(state, [
    { created: 'new', path: '/d/new1' },
    { created: 'new', path: '/d/new2' },
    { created: 'done', path: '/d/done' },
    { set: 'done', options: [['__buildout_installed__', '/d/done']], end: true },
    { created: 'gone', path: '/d/gone' },
    { forget: 'gone' },
    // an update cut: what it had recorded and what it was writing
    { created: 'old', path: '/d/old2' },
  ]);
  assert.deepEqual(state.parts, ['old', 'done', 'new']);
  assert.deepEqual([...state.incomplete].sort(), ['new', 'old']);
  assert.equal(state.options.get('new')!.get('__buildout_installed__'), '/d/new1\n/d/new2');
  assert.equal(state.options.get('old')!.get('__buildout_installed__'), '/d/old\n/d/old2');
  assert.equal(state.options.get('old')!.get('recipe'), 'r');
  assert.ok(!state.incomplete.has('done') && !state.options.has('gone'));
});

/** Writes `path` with the files' writer, then fails when told to (a cut after the write). */
const writer: RecipeModule = {
  names: ['test.recipe:writer'],
  init({ options }) {
    const path = options.require('path');
    const fail = options.get('fail') === 'yes';
    const install = () => {
      createFile(path, 'x', 0o644);
      if (fail) throw new RecipeError('failed after writing');
      return path;
    };
    return { install, update: install };
  },
};
const registry = new RecipeRegistry([...RECIPES, writer]);

async function run(dir: string, profile: string): Promise<string[]> {
  writeFileSync(join(dir, 'buildout.cfg'), profile);
  const lines: string[] = [];
  await runBuildout({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: '/usr/bin/python3', env: { python: '3.11' }, registry, logger: { info: (m) => lines.push(m), warning: () => undefined, debug: () => undefined } });
  return lines;
}

const profile = (parts: string, fail = 'no') => `[buildout]\nparts = ${parts}\n[keep]\nrecipe = test.recipe:writer\npath = \${buildout:directory}/keep\n[cut]\nrecipe = test.recipe:writer\npath = \${buildout:directory}/cut\nfail = ${fail}\n`;

test('a failed install: what its writer wrote is removed at once (as zc.buildout removes the paths given to created()), nothing is left cut', async () => {
  await withTree({}, async (dir) => {
    await assert.rejects(run(dir, profile('keep cut', 'yes')), /failed after writing/);
    const record = join(dir, '.installed.cfg');
    assert.ok(!existsSync(join(dir, 'cut')));
    assert.ok(existsSync(join(dir, 'keep')));
    assert.match(readFileSync(record, 'utf8'), /^parts = keep$/m);
    assert.ok(!existsSync(`${record}.journal`));
    assert.equal(readInstalled(record).incomplete.size, 0);
    // the next run installs it as zc.buildout would: nothing to uninstall first
    assert.deepEqual(await run(dir, profile('keep cut')), ['Updating keep.', 'Installing cut.']);
    assert.ok(existsSync(join(dir, 'cut')));
  });
});

test('a cut part left in the journal: kept out of .installed.cfg, uninstalled by the next run whether the profile drops it or keeps it', async () => {
  for (const parts of ['keep', 'keep cut']) {
    await withTree({}, async (dir) => {
      await run(dir, profile('keep'));
      const record = join(dir, '.installed.cfg');
      // as a run killed between cut's write and its record line leaves it
      writeFileSync(join(dir, 'cut'), 'x');
      writeFileSync(`${record}.journal`, `${JSON.stringify({ created: 'cut', path: join(dir, 'cut') })}\n`);
      const state = readInstalled(record);
      assert.deepEqual([...state.incomplete], ['cut']);
      assert.deepEqual(state.parts, ['keep', 'cut']);
      const log = await run(dir, profile(parts));
      assert.deepEqual(log, parts === 'keep' ? ['Uninstalling cut.', 'Updating keep.'] : ['Uninstalling cut.', 'Updating keep.', 'Installing cut.']);
      assert.equal(existsSync(join(dir, 'cut')), parts !== 'keep');
      assert.ok(!existsSync(`${record}.journal`));
      assert.deepEqual(readInstalled(record).parts, parts.split(' '));
      assert.equal(/^\[cut\]$/m.test(readFileSync(record, 'utf8')), parts !== 'keep');
    });
  }
});

test('the journal keeps a cut part until a run uninstalls it: .installed.cfg never lists it', async () => {
  await withTree({}, async (dir) => {
    await run(dir, profile('keep'));
    const record = join(dir, '.installed.cfg');
    writeFileSync(join(dir, 'cut'), 'x');
    const line = `${JSON.stringify({ created: 'cut', path: join(dir, 'cut') })}\n`;
    writeFileSync(`${record}.journal`, line);
    // a run that fails before its uninstall pass (an unknown section) keeps it
    await assert.rejects(run(dir, '[buildout]\nparts = nowhere\n'));
    assert.doesNotMatch(readFileSync(record, 'utf8'), /cut/);
    assert.ok(readInstalled(record).incomplete.has('cut'));
  });
});

test('a run killed (SIGKILL) after a part wrote, before its record line: the next run removes what it wrote', async () => {
  // the command writes its location, then kills the run that runs it: the part is never recorded
  const killing = `[buildout]\nparts = dirs svc cut\n[dirs]\nrecipe = slapos.cookbook:mkdirectory\nservice = \${buildout:directory}/etc/service\n[svc]\nrecipe = slapos.cookbook:wrapper\ncommand-line = sleep 1\nwrapper-path = \${dirs:service}/svc\n[cut]\nrecipe = plone.recipe.command\ncommand = echo x > \${:location}; kill -9 $PPID\nlocation = \${dirs:service}/cut\n`;
  await withTree({ 'buildout.cfg': killing }, async (dir) => {
    const bin = join(repositoryRoot(), 'bin', 'tsbuildout.js');
    const killed = spawnSync(process.execPath, [bin, '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(existsSync(join(dir, 'etc', 'service', 'cut')));
    assert.deepEqual([...readInstalled(join(dir, '.installed.cfg')).incomplete], ['cut']);
    writeFileSync(join(dir, 'buildout.cfg'), killing.replace('parts = dirs svc cut', 'parts = dirs svc'));
    const next = spawnSync(process.execPath, [bin, '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8' });
    assert.equal(next.status, 0, next.stderr);
    assert.match(next.stdout + next.stderr, /Uninstalling cut\./);
    assert.ok(!existsSync(join(dir, 'etc', 'service', 'cut')));
    assert.ok(existsSync(join(dir, 'etc', 'service', 'svc')));
    assert.ok(!existsSync(join(dir, '.installed.cfg.journal')));
  });
});
