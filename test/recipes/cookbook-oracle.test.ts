// slapos.cookbook recipes that write files or compute options, run by
// tsbuildout and by the real recipes under zc.buildout
// (../shared/tools/cookbook-oracle) on the same profile: the same files
// (content and mode) and the same computed options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { installedOptions, run, writeProfile } from './run.ts';
import { cookbookOracle, cookbookOracleSkip } from '../helpers/cookbook-oracle.ts';

const oracle = cookbookOracle;
const skip = cookbookOracleSkip();

const PROFILE = `[buildout]
parts = chk chk6 chk4 url url2 ldr cp eq kumo tid rl rl-absent key zkw zkw2 zkr zkr-absent ooo redis redis-pw

[chk]
recipe = slapos.cookbook:check_parameter
path = \${buildout:directory}/etc/chk
value = x'"
expected-value = y
expected-not-value = z
[chk6]
recipe = slapos.cookbook:check_parameter
path = \${buildout:directory}/etc/chk6
value = ::1
expected-type = ipv6
[chk4]
recipe = slapos.cookbook:check_parameter
path = \${buildout:directory}/etc/chk4
value = 127.0.0.1
expected-type = ipv4
[url]
recipe = slapos.cookbook:urlparse
url = https://U:p%40ss@[::1]:8443/a/b/;x?q=1#f
[url2]
recipe = slapos.cookbook:urlparse
url = mysql://Host.Example/db
[ldr]
recipe = slapos.cookbook:logrotate.d
logrotate-entries = \${buildout:directory}/etc
name = entry
log = /var/log/*.log
backup = /srv/backup
post = kill -HUP 1
pre = true
[cp]
recipe = slapos.cookbook:copyfilelist
file-list = \${buildout:directory}/srv/data.txt \${buildout:directory}/srv/other
target-directory = \${buildout:directory}/home
[eq]
recipe = slapos.cookbook:equeue
lockfile = /x/y.lock
equeue-binary = /bin/equeue
database = /db
log = /log
socket = /sock
loglevel = INFO
takeover-triggered-file-path = /takeover
wrapper = \${buildout:directory}/etc/eq
[kumo]
recipe = slapos.cookbook:generic.kumofs
ip = ::1
manager-port = 1
server-port = 2
server-listen-port = 3
gateway-port = 4
data-directory = /d
shell-path = /bin/sh
kumo-gateway-binary = /g
kumo-manager-binary = /m
kumo-server-binary = /s
kumo-gateway-log = /gl
kumo-manager-log = /ml
kumo-server-log = /sl
gateway-wrapper = \${buildout:directory}/etc/kg
manager-wrapper = \${buildout:directory}/etc/km
server-wrapper = \${buildout:directory}/etc/ks
[tid]
recipe = slapos.cookbook:tidstorage
configuration-path = \${buildout:directory}/etc/tid.py
known-tid-storage-identifier-dict = {}
ip = ::1
port = 6001
timestamp-file-path = /t
logfile-name = /l
pidfile-name = /p
status-file = /s
tidstorage-wrapper = \${buildout:directory}/etc/tidw
tidstoraged-binary = /bin/tidstoraged
repozo-wrapper = \${buildout:directory}/etc/repozo
tidstorage-repozo-binary = /bin/tr
repozo-binary = /bin/repozo
[rl]
recipe = slapos.cookbook:readline
storage-path = \${buildout:directory}/srv/data.txt
[rl-absent]
recipe = slapos.cookbook:readline
storage-path = \${buildout:directory}/srv/absent
when-absent = none here
[key]
recipe = slapos.cookbook:dropbear.add_authorized_key
home = \${buildout:directory}/home
key = ssh-rsa AAA
[zkw]
recipe = slapos.cookbook:zero-knowledge.write
filename = srv/knowledge.cfg
Password = s3cret 100%%
multi =
  one
  two
[zkw2]
recipe = slapos.cookbook:zero-knowledge.write
file-path = \${buildout:directory}/srv/knowledge.cfg
kept = new value
added = yes
[zkr]
recipe = slapos.cookbook:zero-knowledge.read
file-path = \${buildout:directory}/srv/knowledge.cfg
seen = \${zkw2:added}
[zkr-absent]
recipe = slapos.cookbook:zero-knowledge.read
filename = srv/absent.cfg
[ooo]
recipe = slapos.cookbook:generic.cloudooo
ip = 10.0.0.1
port = 2020
openoffice-port = 2021
data-directory = /srv/ooo
ooo-uno-path = /lo/basis-link/program
ooo-binary-path = /lo/program
environment =
  LD_LIBRARY_PATH = /a/lib:/b/lib
  LANG = C.UTF-8
mimetype_entry_addition =
  text/* application/pdf wkhtmltopdf
  application/pdf* * ooo
  text/html application/pdf wkhtmltopdf
configuration-file = \${buildout:directory}/etc/ooo.cfg
wrapper = \${buildout:directory}/etc/ooo-service
ooo-paster = /bin/cloudooo_paster
[redis]
recipe = slapos.cookbook:redis.server
config-file = \${buildout:directory}/etc/redis.conf
pid-file = /run/redis.pid
port = 6379
ipv6 = ::1
server-dir = /srv/redis
log-file = /log/redis.log
wrapper = \${buildout:directory}/etc/redis-service
server-bin = /bin/redis-server
[redis-pw]
<= redis
config-file = \${buildout:directory}/etc/redis-pw.conf
use-passwd = Yes
passwd = pa%ss
unixsocket = /run/redis.sock
wrapper = \${buildout:directory}/etc/redis-pw-service
promise-wrapper = \${buildout:directory}/etc/redis-promise
cli-bin = /bin/redis-cli
`;

/** Every file under dir (but buildout's own), relative, with its text (paths of dir written DIR) and mode. */
function tree(dir: string): Record<string, [string, number]> {
  const out: Record<string, [string, number]> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (['develop-eggs', 'bin', 'parts', 'eggs', 'buildout.cfg', '.installed.cfg'].includes(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[rel] = [readFileSync(p, 'utf8').replaceAll(dir, 'DIR'), statSync(p).mode & 0o777];
    }
  };
  walk(dir);
  return out;
}

const FILES = { 'srv/data.txt': 'first\nsecond\n', 'srv/other': 'x', 'srv/knowledge.cfg': '[DEFAULT]\nbase = /b\n\n[zkw2]\nkept = %(base)s/user value\n' };

test('slapos.cookbook recipes: the files and options of the real ones', { skip }, async () => {
  await withTree(FILES, async (real) => {
    for (const d of ['etc', 'home']) mkdirSync(join(real, d));
    writeProfile(real, PROFILE);
    const r = spawnSync(oracle, [], { cwd: real, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    await withTree(FILES, async (dir) => {
      for (const d of ['etc', 'home']) mkdirSync(join(dir, d));
      writeProfile(dir, PROFILE);
      await run(dir);
      const [mine, theirs] = [tree(dir), tree(real)];
      // generic.cloudooo's service: a shell exec where the real recipe writes a Python script (README, Recipes)
      assert.equal(mine['etc/ooo-service']![0], '#!/bin/sh\nexec /bin/cloudooo_paster serve DIR/etc/ooo.cfg\n');
      assert.match(theirs['etc/ooo-service']![0], /execute_with_signal_translation\(\('\/bin\/cloudooo_paster', 'serve', 'DIR\/etc\/ooo.cfg'\)\)/);
      assert.equal(mine['etc/ooo-service']![1], theirs['etc/ooo-service']![1]);
      delete mine['etc/ooo-service'];
      delete theirs['etc/ooo-service'];
      assert.deepEqual(mine, theirs);
      for (const part of ['url', 'url2', 'rl', 'rl-absent', 'zkr', 'zkr-absent']) {
        const strip = (m: Map<string, string> | undefined) => Object.fromEntries([...(m ?? [])].filter(([k]) => !k.startsWith('__buildout')).map(([k, v]) => [k, v.replaceAll(dir, 'DIR').replaceAll(real, 'DIR')]));
        assert.deepEqual(strip(installedOptions(dir, part)), strip(installedOptions(real, part)), part);
      }
    });
  });
});

test('check_parameter promises fail as the real ones do (exit status 127, FAIL: …)', { skip }, async () => {
  await withTree(FILES, async (dir) => {
    for (const d of ['etc', 'home']) mkdirSync(join(dir, d));
    writeProfile(dir, PROFILE);
    await run(dir);
    const chk = spawnSync(join(dir, 'etc', 'chk'), { encoding: 'utf8' });
    assert.equal(chk.status, 127);
    assert.equal(chk.stdout, `FAIL: x'" != y\n`);
    assert.equal(spawnSync(join(dir, 'etc', 'chk6')).status, 0);
    assert.equal(spawnSync(join(dir, 'etc', 'chk4')).status, 0);
    writeFileSync(join(dir, 'buildout.cfg'), PROFILE.replace('value = ::1', 'value = 127.0.0.1'));
    await run(dir);
    assert.equal(spawnSync(join(dir, 'etc', 'chk6')).status, 127);
  });
});

/** Every directory under dir (but buildout's own), relative, with its mode. */
function directoryModes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (['develop-eggs', 'bin', 'parts', 'eggs'].includes(rel) || !statSync(p).isDirectory()) continue;
      out[rel] = statSync(p).mode & 0o7777;
      walk(p);
    }
  };
  walk(dir);
  return out;
}

test('mkdirectory: the mode on the last directory of each path only, paths in sorted order, as the real recipe', { skip }, async () => {
  // `a` names a child of what `z` names: sorted by path, z's directory comes first and gets the mode
  const profile = `[buildout]
parts = dirs
[dirs]
recipe = slapos.cookbook:mkdirectory
mode = 0700
a = \${buildout:directory}/srv/deep/er/child
z = \${buildout:directory}/srv/deep
m = \${buildout:directory}/var/log/
`;
  await withTree({}, async (real) => {
    writeProfile(real, profile);
    const r = spawnSync(oracle, [], { cwd: real, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    await withTree({}, async (dir) => {
      writeProfile(dir, profile);
      await run(dir);
      const mine = directoryModes(dir);
      assert.equal(mine['srv/deep'], 0o700);
      assert.equal(mine['srv/deep/er/child'], 0o700);
      assert.notEqual(mine['srv/deep/er'], 0o700);
      assert.deepEqual(mine, directoryModes(real));
    });
  });
});
