import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
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
        const { mkdirSync } = await import('node:fs');
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
