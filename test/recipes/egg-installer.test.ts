// The egg installer (recipes/lib/eggs/installer.ts) against Debian's
// zc.buildout 2.13 easy_install.install() (scripts/easy-install-oracle.py),
// scenario by scenario over the same find-links: the working set it
// picks (prefer-final, newest, pins, develop eggs, extras, the download
// cache, install-from-cache, offline) or the error, word for word, and
// the eggs-directory it leaves (an egg directory and a wheel from
// find-links, laid out as zc.buildout lays them out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { egg, file, serveDirectory, zipEggs } from '../helpers/eggs.ts';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { Installer, type InstallSettings } from '../../recipes/lib/eggs/installer.ts';
import { run, writeProfile } from './run.ts';
import { markerEnvironment } from '../../profile/conditions.ts';
import { TargetEnvironment } from '../../profile/environment.ts';

const PYTHON = '/usr/bin/python3';
const hasZcBuildout = spawnSync(PYTHON, ['-c', 'import zc.buildout, setuptools'], { stdio: 'ignore' }).status === 0;

/** A pure-Python wheel, written by the interpreter's zipfile. */
function wheel(dir: string, name: string, version: string): void {
  const code = `
import sys, zipfile
d, n, v = sys.argv[1:]
info = '%s-%s.dist-info' % (n, v)
with zipfile.ZipFile('%s/%s-%s-py3-none-any.whl' % (d, n, v), 'w') as z:
    z.writestr(n + '/__init__.py', 'X = 1\\n')
    z.writestr(info + '/METADATA', 'Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n' % (n, v))
    z.writestr(info + '/WHEEL', 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
    z.writestr(info + '/top_level.txt', n + '\\n')
    z.writestr(info + '/RECORD', '')
`;
  const r = spawnSync(PYTHON, ['-c', code, dir, name, version], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

interface Scenario {
  name: string;
  specs: string[];
  versions?: Record<string, string>;
  preferFinal?: boolean;
  allowPicked?: boolean;
  newest?: boolean;
  /** Eggs already in eggs-directory. */
  installed?: [string, string][];
  develop?: boolean;
  cache?: boolean;
  installFromCache?: boolean;
  offline?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'prefer-final picks the newest final release', specs: ['alpha'] },
  { name: 'prefer-final = false picks a pre-release', specs: ['alpha'], preferFinal: false },
  { name: 'a pin', specs: ['alpha'], versions: { beta: '1.0' } },
  { name: 'a pin written in another case, and ==', specs: ['Alpha'], versions: { BETA: '==1.0' } },
  { name: 'newest = false keeps what is installed', specs: ['alpha'], installed: [['beta', '1.0']], newest: false },
  { name: 'newest = true installs a newer one', specs: ['alpha'], installed: [['beta', '1.0']] },
  { name: 'allow-picked-versions = false', specs: ['alpha'], versions: { alpha: '2.0' }, allowPicked: false },
  { name: 'a pin absent from find-links', specs: ['alpha'], versions: { beta: '3.0' } },
  { name: 'a version conflict', specs: ['beta', 'gamma'] },
  { name: 'a pin a requirement excludes', specs: ['gamma'], versions: { beta: '1.1' } },
  { name: 'a requirement with a range', specs: ['gamma'] },
  { name: 'extras', specs: ['delta[x]'] },
  { name: 'an extra the distribution lacks', specs: ['delta[nope]'] },
  { name: 'a develop egg wins', specs: ['alpha'], develop: true },
  { name: 'the download cache first', specs: ['beta'], cache: true, versions: { beta: '1.0' } },
  { name: 'install-from-cache', specs: ['beta'], cache: true, installFromCache: true },
  { name: 'offline: what is installed', specs: ['beta'], installed: [['beta', '1.0']], offline: true },
  { name: 'offline: nothing to install with', specs: ['alpha'], offline: true },
  { name: 'a wheel', specs: ['epsilon'] },
  { name: 'nothing anywhere', specs: ['zeta'] },
];

function setUp(dir: string, s: Scenario): { settings: Omit<InstallSettings, 'logger' | 'markerEnv' | 'executable'>; oracle: Record<string, unknown> } {
  const links = join(dir, 'links');
  egg(links, 'alpha', '2.0', 'beta\n');
  for (const v of ['1.0', '1.1', '2.0b1']) egg(links, 'beta', v);
  egg(links, 'gamma', '1.0', 'beta<1.1\n');
  egg(links, 'delta', '1.0', '\n[x]\nbeta==1.0\n');
  const eggs = join(dir, 'eggs');
  const develop = join(dir, 'develop-eggs');
  mkdirSync(eggs, { recursive: true });
  mkdirSync(develop, { recursive: true });
  for (const [n, v] of s.installed ?? []) egg(eggs, n, v);
  if (s.develop) {
    file(join(dir, 'src', 'beta', 'beta.egg-info', 'PKG-INFO'), 'Metadata-Version: 1.0\nName: beta\nVersion: 0.5\n');
    file(join(develop, 'beta.egg-link'), `${join(dir, 'src', 'beta')}\n.`);
  }
  let cache: string | undefined;
  if (s.cache) {
    cache = join(dir, 'cache');
    mkdirSync(cache);
    cpSync(join(links, 'beta-1.0-py3.11.egg'), join(cache, 'beta-1.0-py3.11.egg'), { recursive: true });
  }
  const index = join(dir, 'no-index');
  const versions = new Map(Object.entries(s.versions ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const common = { links: [links], index, newest: s.newest ?? true, preferFinal: s.preferFinal ?? true, allowPicked: s.allowPicked ?? true, installFromCache: s.installFromCache ?? false };
  return {
    settings: {
      ...common,
      dest: s.offline ? undefined : eggs,
      path: s.offline ? [develop, eggs] : [develop],
      versions,
      allowUnknownExtras: false,
      offline: false,
      ...(cache ? { downloadCache: cache } : {}),
    },
    oracle: { ...common, specs: s.specs, dest: s.offline ? null : eggs, path: s.offline ? [develop, eggs] : [develop], versions: s.versions ?? {}, ...(cache ? { downloadCache: cache } : {}) },
  };
}

/** The files of a tree, relative, without bytecode. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      if (f === '__pycache__') continue;
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

test('the egg installer picks and refuses as zc.buildout 2.13 easy_install.install() does', { skip: !hasZcBuildout && "Debian's python3-zc.buildout is not installed" }, async () => {
  let env: Record<string, string> | undefined;
  const markerEnv = () => (env ??= markerEnvironment(new TargetEnvironment(PYTHON)));
  const logger = { info: () => undefined, warning: () => undefined, debug: () => undefined };
  await withTree({}, async (root) => {
    // one wheel, copied into each scenario's find-links
    mkdirSync(join(root, 'wheel'));
    wheel(join(root, 'wheel'), 'epsilon', '1.0');
    const dirs = SCENARIOS.map((_, i) => [join(root, `ours${i}`), join(root, `theirs${i}`)] as const);
    const setups = dirs.map(([ours, theirs], i) => {
      for (const d of [ours, theirs]) cpSync(join(root, 'wheel'), join(d, 'links'), { recursive: true });
      return [setUp(ours, SCENARIOS[i]!), setUp(theirs, SCENARIOS[i]!)] as const;
    });
    writeFileSync(join(root, 'o.json'), JSON.stringify(setups.map(([, theirs]) => theirs.oracle)));
    const r = spawnSync(PYTHON, [join(repositoryRoot(), 'scripts', 'easy-install-oracle.py'), 'install', join(root, 'o.json')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const oracle = JSON.parse(r.stdout) as object[];
    SCENARIOS.forEach((s, i) => {
      const [ours, theirs] = dirs[i]!;
      let answer: object;
      try {
        const ws = new Installer({ ...setups[i]![0].settings, executable: PYTHON, logger, markerEnv }).install(s.specs);
        answer = { ws: ws.map((d) => d.location.split('/').pop()) };
      } catch (e) {
        answer = { error: (e as Error).message };
      }
      assert.deepEqual({ ...answer, eggs: tree(join(ours, 'eggs')) }, { ...oracle[i], eggs: tree(join(theirs, 'eggs')) }, s.name);
    });
  });
});

test('an index over HTTP (a simple page per project, #md5= checked, allow-hosts), the download cache, then install-from-cache with the server gone', { skip: !hasZcBuildout && "Debian's python3-zc.buildout is not installed" }, async () => {
  const logger = { info: () => undefined, warning: () => undefined, debug: () => undefined };
  const markerEnv = () => ({}) as Record<string, string>;
  await withTree({}, async (dir) => {
    const files = join(dir, 'www', 'files');
    egg(files, 'beta', '1.0');
    egg(files, 'alpha', '2.0', 'beta\n');
    // zipped eggs, as an index serves them
    zipEggs(files, ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']);
    const md5 = (n: string) => createHash('md5').update(readFileSync(join(files, n))).digest('hex');
    for (const [project, egg] of [['alpha', 'alpha-2.0-py3.11.egg'], ['beta', 'beta-1.0-py3.11.egg']] as const) {
      file(join(dir, 'www', 'simple', project, 'index.html'), `<html><body><a href="../../files/${egg}#md5=${md5(egg)}">${egg}</a></body></html>\n`);
    }
    const server = await serveDirectory(join(dir, 'www'));
    const cache = join(dir, 'cache', 'dist');
    mkdirSync(cache, { recursive: true });
    const base = { path: [join(dir, 'develop-eggs')], links: [], newest: true, versions: new Map<string, string>(), preferFinal: true, allowPicked: true, allowUnknownExtras: false, offline: false, executable: PYTHON, logger, markerEnv, downloadCache: cache };
    try {
      // allow-hosts: another host's index is not read
      assert.throws(() => new Installer({ ...base, downloadCache: undefined as unknown as string, dest: join(dir, 'eggs0'), index: `${server.url}/simple`, installFromCache: false, allowHosts: ['*.example.com'] }).install(['alpha']), {
        message: "Couldn't find a distribution for 'alpha'.",
      });
      const ws = new Installer({ ...base, dest: join(dir, 'eggs'), index: `${server.url}/simple`, installFromCache: false, allowHosts: ['127.0.0.*'] }).install(['alpha']);
      assert.deepEqual(ws.map((d) => d.location.split('/').pop()), ['beta-1.0-py3.11.egg', 'alpha-2.0-py3.11.egg']);
      assert.deepEqual(readdirSync(cache).sort(), ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']);
      assert.ok(statSync(join(dir, 'eggs', 'alpha-2.0-py3.11.egg', 'EGG-INFO', 'requires.txt')).isFile());
    } finally {
      server.stop();
    }
    const ws = new Installer({ ...base, dest: join(dir, 'eggs2'), index: 'http://127.0.0.1:9/unreachable', installFromCache: true }).install(['alpha']);
    assert.deepEqual(ws.map((d) => d.location.split('/').pop()), ['beta-1.0-py3.11.egg', 'alpha-2.0-py3.11.egg']);
    // a wrong md5 is refused
    file(join(dir, 'www', 'simple', 'beta', 'index.html'), `<a href="../../files/beta-1.0-py3.11.egg#md5=${'0'.repeat(32)}">b</a>\n`);
    const again = await serveDirectory(join(dir, 'www'));
    try {
      assert.throws(() => new Installer({ ...base, downloadCache: undefined as unknown as string, dest: join(dir, 'eggs3'), index: `${again.url}/simple`, installFromCache: false }).install(['beta']), /MD5 checksum mismatch downloading 'http:\/\/127\.0\.0\.1:\d+\/files\/beta-1\.0-py3\.11\.egg/);
    } finally {
      again.stop();
    }
    assert.deepEqual(readdirSync(join(dir, 'eggs3')), []);
  });
});

test('find-links and the index are read once per run, whichever part asks (easy_install._indexes), and again by the next run in the same process', { skip: !hasZcBuildout && "Debian's python3-zc.buildout is not installed" }, async () => {
  await withTree({}, async (dir) => {
    const links = join(dir, 'www', 'links');
    egg(links, 'beta', '1.0');
    egg(links, 'alpha', '2.0', 'beta\n');
    zipEggs(links, ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']);
    const log = join(dir, 'requests.log');
    writeFileSync(log, '');
    const server = await serveDirectory(join(dir, 'www'), log);
    try {
      // three parts need alpha and beta; newest (the default) asks the index even for what is installed
      const parts = ['a', 'b', 'c'];
      writeProfile(
        dir,
        `[buildout]\nparts = ${parts.join(' ')}\nfind-links = ${server.url}/links/\nindex = ${server.url}/simple\n\n` + parts.map((p) => `[${p}]\nrecipe = zc.recipe.egg\neggs = alpha\n`).join('\n'),
      );
      const requests = () => {
        const counts: Record<string, number> = {};
        for (const l of readFileSync(log, 'utf8').split('\n').filter(Boolean)) counts[l] = (counts[l] ?? 0) + 1;
        return counts;
      };
      const first = await run(dir);
      assert.deepEqual(first.report.installed, parts);
      assert.deepEqual(requests(), { '/links/': 1, '/simple/alpha/': 1, '/simple/beta/': 1, '/links/alpha-2.0-py3.11.egg': 1, '/links/beta-1.0-py3.11.egg': 1 });
      assert.deepEqual(readdirSync(join(dir, 'eggs')).sort(), ['alpha-2.0-py3.11.egg', 'beta-1.0-py3.11.egg']);
      // a second run in this process reads them again: the cache is the run's, not the process's
      const second = await run(dir);
      assert.deepEqual(second.report.updated, parts);
      assert.deepEqual(requests(), { '/links/': 2, '/simple/alpha/': 2, '/simple/beta/': 2, '/links/alpha-2.0-py3.11.egg': 1, '/links/beta-1.0-py3.11.egg': 1 });
    } finally {
      server.stop();
    }
  });
});
