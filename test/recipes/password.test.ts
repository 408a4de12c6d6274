import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cookbookOracle, cookbookOracleSkip } from '../helpers/cookbook-oracle.ts';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { installedOptions, modeOf, mtimeOf, profile, read, run, writeProfile } from './run.ts';

const pwd = (over = '') => `[pwd]\nrecipe = slapos.cookbook:generate.password\n${over}\n[user]\nrecipe = slapos.recipe.template\ninline = \${pwd:passwd}\noutput = \${buildout:directory}/seen\n`;

test('generate.password: generated once, stored as JSON 0666 less the umask (as open(path, "w")), kept out of .installed.cfg, stable across runs', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['pwd', 'user'], pwd()));
    await run(dir);
    const seen = read(join(dir, 'seen'));
    assert.match(seen, /^[A-Za-z0-9]{16}$/);
    const storage = join(dir, 'parts', 'pwd');
    assert.equal(read(storage), `{"": "${seen}"}`);
    assert.equal(modeOf(storage), 0o666 & ~process.umask());
    const saved = installedOptions(dir, 'pwd')!;
    assert.equal(saved.get('passwd'), undefined);
    assert.equal(saved.get('storage-path'), storage);
    assert.equal(saved.get('__buildout_installed__'), '', 'create-once: the storage is not returned');
    assert.ok(![...saved.values()].some((v) => v.includes(seen)), 'the password is not in [pwd] of .installed.cfg');
    const before = mtimeOf(storage);
    const second = await run(dir);
    assert.deepEqual(second.report.updated, ['pwd', 'user']);
    assert.equal(read(join(dir, 'seen')), seen);
    assert.equal(mtimeOf(storage), before);
    // the part leaves the profile and comes back: the password survives
    writeProfile(dir, profile(['user'], pwd().replace('inline = ${pwd:passwd}', 'inline = none')));
    await run(dir);
    assert.ok(existsSync(storage));
    writeProfile(dir, profile(['pwd', 'user'], pwd()));
    await run(dir);
    assert.equal(read(join(dir, 'seen')), seen);
  });
});

const CASES: { name: string; over: string; before?: string; passwd: RegExp | string; stored?: string | null; returned?: boolean }[] = [
  { name: 'bytes', over: 'bytes = 32', passwd: /^[A-Za-z0-9]{32}$/ },
  { name: 'the old plain format is read and rewritten as JSON', over: '', before: 'secret\n', passwd: 'secret', stored: '{"": "secret"}' },
  { name: 'a forced passwd is stored', over: 'passwd = forced', before: '{"": "old"}', passwd: 'forced', stored: '{"": "forced"}' },
  { name: 'cached hashes are kept with the password', over: '', before: '{"passwd-x": "h", "": "p"}', passwd: 'p', stored: '{"": "p", "passwd-x": "h"}' },
  { name: 'storage-path empty: nothing stored', over: 'storage-path =', passwd: /^[A-Za-z0-9]{16}$/, stored: null },
  { name: 'create-once false: the storage is returned', over: 'create-once = false', passwd: /^[A-Za-z0-9]{16}$/, returned: true },
];

for (const c of CASES) {
  test(`generate.password: ${c.name}`, async () => {
    await withTree({}, async (dir) => {
      writeProfile(dir, profile(['pwd', 'user'], pwd(c.over)));
      const storage = join(dir, 'parts', 'pwd');
      if (c.before !== undefined) {
        await run(dir, { dryRun: true }); // creates nothing; parts/ is made by the real run
        mkdirSync(join(dir, 'parts'), { recursive: true });
        writeFileSync(storage, c.before);
      }
      await run(dir);
      const passwd = read(join(dir, 'seen'));
      if (typeof c.passwd === 'string') assert.equal(passwd, c.passwd);
      else assert.match(passwd, c.passwd);
      if (c.stored === null) assert.equal(existsSync(storage), false);
      else assert.equal(read(storage), c.stored ?? `{"": "${passwd}"}`);
      assert.equal(installedOptions(dir, 'pwd')!.get('__buildout_installed__'), c.returned ? storage : '');
    });
  });
}

test('generate.password: passwd-<scheme> is passlib\'s hash of the password, kept in the storage, never in .installed.cfg', async () => {
  await withTree({}, async (dir) => {
    const sections = pwd('passwd = secret').replace('inline = ${pwd:passwd}', 'inline = ${pwd:passwd-sha256-crypt} ${pwd:passwd-ldap-salted-sha1}');
    writeProfile(dir, profile(['pwd', 'user'], sections));
    await run(dir);
    const [crypt, ssha] = read(join(dir, 'seen')).split(' ') as [string, string];
    assert.match(crypt, /^\$5\$rounds=535000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/);
    assert.match(ssha, /^\{SSHA\}[A-Za-z0-9+/]{32}$/);
    // stored beside the password, so the next run reads the same hashes
    assert.deepEqual(JSON.parse(read(join(dir, 'parts', 'pwd'))), { '': 'secret', 'passwd-ldap-salted-sha1': ssha, 'passwd-sha256-crypt': crypt });
    assert.equal(installedOptions(dir, 'pwd')!.get('passwd-sha256-crypt'), undefined);
    await run(dir);
    assert.equal(read(join(dir, 'seen')), `${crypt} ${ssha}`);
    // the hash verifies the password, as the system's crypt(3) checks it (Python's crypt, where it has one)
    const check = spawnSync('/usr/bin/python3', ['-c', 'import crypt, sys; print(crypt.crypt(sys.argv[1], sys.argv[2]) == sys.argv[2])', 'secret', crypt], { encoding: 'utf8' });
    if (check.status === 0) assert.equal(check.stdout.trim(), 'True');
    // an unknown scheme: the option does not exist
    writeProfile(dir, profile(['pwd', 'user'], pwd('passwd = secret').replace('inline = ${pwd:passwd}', 'inline = ${pwd:passwd-nope}')));
    await assert.rejects(run(dir), /Referenced option does not exist: pwd passwd-nope/);
  });
});

const oracleSkip = cookbookOracleSkip();

/**
 * slapos.cookbook's own Password (slapos/recipe/random.py), constructed
 * then `method` called, with the cookbook-oracle's path: the storage
 * afterwards (null: none). Debian's zc.buildout 2.13 under the oracle
 * reinstalls the part on every run (it compares the volatile `passwd`), so
 * its update is only reached this way.
 */
function realPassword(partsDirectory: string, options: Record<string, string>, method: 'install' | 'update'): string | null {
  const r = join(repositoryRoot(), '..', 'shared', 'reference');
  const code = `
import sys, json
from slapos.recipe.random import Password
class Options(dict):
    pass
o = Options(json.loads(sys.argv[2]))
o._data = {}
getattr(Password({'buildout': {'parts-directory': sys.argv[1]}}, 'pwd', o), sys.argv[3])()
`;
  const path = ['zc.buildout-2.13-shim', 'slapos.core', 'stubs', 'pylib', 'zc.recipe.egg_/src', 'slapos.cookbook'].map((p) => join(r, p)).join(':');
  const p = spawnSync('/usr/bin/python3', ['-c', code, partsDirectory, JSON.stringify(options), method], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: path, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(p.status, 0, p.stderr);
  const storage = join(partsDirectory, 'pwd');
  return existsSync(storage) ? read(storage) : null;
}

// the storage before the second run (null: lost), what the profile forces, and the storage after its update
const UPDATES: { name: string; forced?: string; before: string | null }[] = [
  { name: 'a forced passwd, the storage lost: it stays lost', forced: 'forced', before: null },
  { name: 'a forced passwd, another one stored: it stays', forced: 'forced', before: '{"": "old"}' },
  { name: 'no passwd, the storage lost: a new one is stored', before: null },
  { name: 'no passwd, an empty one stored: a new one is stored beside the stored hashes', before: '{"": "", "passwd-x": "h"}' },
];

for (const u of UPDATES) {
  test(`generate.password's update as the real recipe's: ${u.name}`, { skip: oracleSkip }, async () => {
    await withTree({}, async (dir) => {
      writeProfile(dir, profile(['pwd', 'user'], pwd(u.forced ? `passwd = ${u.forced}` : '')));
      await run(dir);
      const storage = join(dir, 'parts', 'pwd');
      if (u.before === null) rmSync(storage);
      else writeFileSync(storage, u.before);
      const second = await run(dir);
      // updated, not reinstalled (the user of a new password is)
      assert.equal(second.report.updated[0], 'pwd');
      const mine = existsSync(storage) ? read(storage) : null;
      // the real recipe on the same storage, its update called
      const parts = join(dir, 'real-parts');
      mkdirSync(parts);
      if (u.before !== null) writeFileSync(join(parts, 'pwd'), u.before);
      const theirs = realPassword(parts, u.forced ? { passwd: u.forced } : {}, 'update');
      // a generated password differs: the same key, 16 letters and digits on both sides
      const generic = (s: string | null) => s?.replace(/^\{"": "[A-Za-z0-9]{16}"/, '{"": GENERATED');
      assert.equal(generic(mine), generic(theirs));
      assert.equal(read(join(dir, 'seen')), u.forced ?? JSON.parse(mine!)['']);
    });
  });
}

test('generate.password and generate.mac: a storage whose directory is missing fails the part with Python\'s error, no directory made, as the real recipes', { skip: oracleSkip }, async () => {
  for (const section of ['[pwd]\nrecipe = slapos.cookbook:generate.password\n', '[pwd]\nrecipe = slapos.cookbook:generate.mac\n']) {
    const text = profile(['pwd'], `${section}storage-path = \${buildout:directory}/missing/pwd\n`);
    await withTree({}, async (real) => {
      writeProfile(real, text);
      const r = spawnSync(cookbookOracle, [], { cwd: real, encoding: 'utf8' });
      assert.notEqual(r.status, 0);
      const last = (r.stdout + r.stderr).trim().split('\n').pop()!;
      assert.equal(last, `FileNotFoundError: [Errno 2] No such file or directory: '${join(real, 'missing', 'pwd')}'`);
      assert.equal(existsSync(join(real, 'missing')), false);
      await withTree({}, async (dir) => {
        writeProfile(dir, text);
        await assert.rejects(run(dir), { message: last.replace(real, dir) });
        assert.equal(existsSync(join(dir, 'missing')), false);
      });
    });
  }
});
