// promise.plugin's sys.path: the working set of its eggs with their
// dependencies, in zc.buildout's order, as slapos.cookbook lists it —
// checked against the real recipe (../shared/tools/cookbook-oracle) when
// it can run here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { read, run, writeProfile } from './run.ts';
import { cookbookOracle, cookbookOracleSkip } from '../helpers/cookbook-oracle.ts';

/**
 * A release's eggs: a develop egg requiring an egg (two versions), an egg
 * with an extra, conditional sections, a develop egg without metadata, and
 * `six`, found in neither directory (the interpreter's site-packages has it).
 */
function eggTree(dir: string): void {
  const file = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  file('src/top/top.plugins.egg-info/PKG-INFO', 'Metadata-Version: 1.0\nName: top.plugins\nVersion: 1.0\n');
  file('src/top/top.plugins.egg-info/requires.txt', 'dep.a\ndep-b[x]\nsix\n\n[:python_version < "3"]\nnever-there\n\n[:python_version >= "3"]\ndep_b\n\n[docs]\nnever-there\n');
  file('src/bare/bare/__init__.py', '');
  file('develop-eggs/top.plugins.egg-link', `${join(dir, 'src', 'top')}\n.`);
  file('develop-eggs/bare.egg-link', `${join(dir, 'src', 'bare')}\n.`);
  for (const v of ['0.9', '1.0']) file(`eggs/dep.a-${v}-py3.11.egg/EGG-INFO/PKG-INFO`, `Metadata-Version: 1.0\nName: dep.a\nVersion: ${v}\n`);
  file('eggs/dep.a-1.0-py3.11.egg/EGG-INFO/requires.txt', 'bare\n');
  file('eggs/dep_b-2.0-py3.11.egg/EGG-INFO/PKG-INFO', 'Metadata-Version: 1.0\nName: dep_b\nVersion: 2.0\n');
  file('eggs/dep_b-2.0-py3.11.egg/EGG-INFO/requires.txt', 'six\n\n[x]\ndep.c\n');
  file('eggs/dep.c-3.0-py3.11.egg/EGG-INFO/PKG-INFO', 'Metadata-Version: 1.0\nName: dep.c\nVersion: 3.0\n');
}

const PROFILE = `[buildout]
parts = plugin
offline = true
eggs-directory = \${:directory}/eggs

[plugin]
recipe = slapos.cookbook:promise.plugin
eggs = top.plugins
output = \${buildout:directory}/plugin.py
module = slapos.promise.plugin.check_url_available
config-url = http://[::1]:8080/
`;

/** The sys.path entries of a plugin file. */
function pluginPaths(text: string): string[] {
  const m = /^sys\.path\[0:0\] = \(([\s\S]*?)\)\n/m.exec(text);
  assert.ok(m, text);
  return [...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!);
}

test('promise.plugin: the eggs and their dependencies, in zc.buildout order; extras and markers decided, the newest egg, what is not there left to site-packages', async () => {
  await withTree({}, async (dir) => {
    eggTree(dir);
    writeProfile(dir, PROFILE);
    await run(dir);
    assert.deepEqual(pluginPaths(read(join(dir, 'plugin.py'))), [
      join(dir, 'src', 'top'),
      // requirements are queued last to first: dep_b (the [:python_version >= "3"] line) before dep.a
      join(dir, 'eggs', 'dep_b-2.0-py3.11.egg'),
      join(dir, 'eggs', 'dep.a-1.0-py3.11.egg'),
      // dep-b[x] asks for the extra
      join(dir, 'eggs', 'dep.c-3.0-py3.11.egg'),
      join(dir, 'src', 'bare'),
    ]);
  });
});

const oracle = cookbookOracle;
const oracleSkip = cookbookOracleSkip();

test('promise.plugin: the same sys.path as slapos.cookbook, site-packages entries aside', { skip: oracleSkip }, async () => {
  await withTree({}, async (dir) => {
    eggTree(dir);
    // the real recipe needs a develop egg's metadata: bare gets some there
    mkdirSync(join(dir, 'src', 'bare', 'bare.egg-info'));
    writeFileSync(join(dir, 'src', 'bare', 'bare.egg-info', 'PKG-INFO'), 'Metadata-Version: 1.0\nName: bare\nVersion: 1.0\n');
    writeProfile(dir, PROFILE);
    const r = spawnSync(oracle, [], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const real = pluginPaths(read(join(dir, 'plugin.py'))).filter((p) => p.startsWith(dir + '/'));
    rmSync(join(dir, 'plugin.py'));
    rmSync(join(dir, '.installed.cfg'));
    await run(dir);
    assert.deepEqual(pluginPaths(read(join(dir, 'plugin.py'))), real);
    assert.equal(real.length, 5);
  });
});

test('promise.plugin: a develop egg links to its source; the link is followed for its requires.txt', async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'develop-eggs'), { recursive: true });
    mkdirSync(join(dir, 'pkg', 'x.y.egg-info'), { recursive: true });
    writeFileSync(join(dir, 'pkg', 'x.y.egg-info', 'requires.txt'), 'z\n');
    mkdirSync(join(dir, 'z'));
    symlinkSync(join(dir, 'pkg'), join(dir, 'linked'));
    writeFileSync(join(dir, 'develop-eggs', 'x.y.egg-link'), '../linked\n.');
    writeFileSync(join(dir, 'develop-eggs', 'z.egg-link'), `${join(dir, 'z')}\n.`);
    writeProfile(dir, PROFILE.replace('eggs = top.plugins', 'eggs = X_Y'));
    await run(dir);
    assert.deepEqual(pluginPaths(read(join(dir, 'plugin.py'))), [join(dir, 'linked'), join(dir, 'z')]);
  });
});
