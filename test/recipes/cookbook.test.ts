import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { systemdToCron } from '../../recipes/cookbook/cron.ts';
import { groupName } from '../../recipes/cookbook/userinfo.ts';
import { withTree } from '../helpers/files.ts';
import { installedOptions, modeOf, mtimeOf, profile, read, run, writeProfile } from './run.ts';

test('symbolic.link: links in target-directory, replaced links, a file in the way is an error', async () => {
  await withTree({ 'sr/bin/a': '', 'sr/bin/b': '' }, async (dir) => {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const section = (paths: string) => `[ln]\nrecipe = slapos.cookbook:symbolic.link\ntarget-directory = \${buildout:directory}/bin\nlink-binary =\n${paths}\n`;
    writeProfile(dir, profile(['ln'], section(`  ${dir}/sr/bin/a\n  ${dir}/sr/bin/b`)));
    await run(dir);
    assert.equal(readlinkSync(join(dir, 'bin', 'a')), join(dir, 'sr/bin/a'));
    assert.deepEqual(installedOptions(dir, 'ln')!.get('__buildout_installed__'), `${join(dir, 'bin/a')}\n${join(dir, 'bin/b')}`);
    const before = lstatSync(join(dir, 'bin', 'a')).mtimeMs;
    await run(dir);
    assert.equal(lstatSync(join(dir, 'bin', 'a')).mtimeMs, before);
    writeProfile(dir, profile(['ln'], section(`  ${dir}/sr/bin/a\n  ${dir}/sr/bin/c`)));
    writeFileSync(join(dir, 'bin', 'c'), 'not a link');
    await assert.rejects(run(dir), /Target link already '.*\/bin\/c' exists but it is not link/);
  });
});

test('free_port: a free port is picked once and kept from .installed.cfg', async () => {
  await withTree({}, async (dir) => {
    const section = (over: string) => `[port]\nrecipe = slapos.cookbook:free_port\n${over}\n[use]\nrecipe = slapos.recipe.template\ninline = \${port:port}\noutput = \${buildout:directory}/port\n`;
    writeProfile(dir, profile(['port', 'use'], section('ip = 127.0.0.1\nminimum = 41230\nmaximum = 41300')));
    await run(dir);
    const port = Number(read(join(dir, 'port')));
    assert.ok(port >= 41230 && port < 41300);
    // the port is now taken (by "the service"): the recipe keeps it
    const server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const again = await run(dir);
      assert.deepEqual(again.report.uninstalled, []);
      assert.equal(read(join(dir, 'port')), String(port));
    } finally {
      server.close();
    }
  });
  for (const [over, want] of [
    ['minimum = 2000\nmaximum = 2000', '2000'],
    ['ip = not-an-ip', '0'],
  ]) {
    await withTree({}, async (dir) => {
      writeProfile(dir, profile(['port', 'use'], `[port]\nrecipe = slapos.cookbook:free_port\n${over}\n[use]\nrecipe = slapos.recipe.template\ninline = \${port:port}\noutput = \${buildout:directory}/port\n`));
      await run(dir);
      assert.equal(read(join(dir, 'port')), want);
    });
  }
});

test('free_port: a port in use is skipped', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(41400, '127.0.0.1', () => r()));
  try {
    await withTree({}, async (dir) => {
      writeProfile(dir, profile(['port', 'use'], `[port]\nrecipe = slapos.cookbook:free_port\nip = 127.0.0.1\nminimum = 41400\nmaximum = 41410\n[use]\nrecipe = slapos.recipe.template\ninline = \${port:port}\noutput = \${buildout:directory}/port\n`));
      await run(dir);
      assert.equal(read(join(dir, 'port')), '41401');
    });
  } finally {
    server.close();
  }
});

const SYSTEMD: [string, string][] = [
  ['daily', '0 0 * * *'],
  ['minutely', '* * * * *'],
  ['Sat,Mon-Thu,Sun', '0 0 * * 0,1-4,6'],
  ['mon,sun *-* 2,1:23', '23 2,1 * * 0,1'],
  ['Wed, 17:48', '48 17 * * 3'],
  ['Wed-Sat,Tue 10-* 1:2', '2 1 * 10 2,3-6'],
  ['*-*-7 0:0:0', '0 0 7 * *'],
  ['10-15', '0 0 15 10 *'],
  ['monday *-12-* 17:00', '00 17 * 12 1'],
  ['12,14,13,12:20,10,30', '20,10,30 12,14,13,12 * * *'],
  ['*-1/2-1,3 *:30', '30 * 1,3 1/2 *'],
  ['03-05 08:05', '05 08 05 03 *'],
  ['08:05:00', '05 08 * * *'],
  ['05:40', '40 05 * * *'],
  ['Sat,Sun 12-* 08:05', '05 08 * 12 0,6'],
  ['Sat,Sun 08:05', '05 08 * * 0,6'],
];
const INVALID = ['test', '', '7', '121212:1:2', 'Wed *-1', '08:05:40', '2003-03-05', '0-1', '13-1', '6/4-1', '5/8-1', '1-0', '1-32', '1-4/3', '1-14/18', '24:0', '9/9:0', '8/16:0', '0:60', '0:22/22', '0:15/45'];

test('cron.d: systemd calendar specs as crontab specs (slapos.cookbook test_dcron cases)', () => {
  for (const [spec, cron] of SYSTEMD) assert.equal(systemdToCron(spec), cron, spec);
  for (const spec of INVALID) assert.throws(() => systemdToCron(spec), Error, spec);
});

test('cron.d: writes <cron-entries>/<name>; time is converted; an invalid time is an error', async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'cron.d'));
    const sections =
      '[a]\nrecipe = slapos.cookbook:cron.d\ncron-entries = ${buildout:directory}/cron.d\nname = a\nfrequency = */5 * * * *\ncommand = ${buildout:directory}/bin/a --x\n' +
      '[b]\nrecipe = slapos.cookbook:cron.d\ncron-entries = ${buildout:directory}/cron.d\nname = b\ntime = Mon 08:30\ncommand = b\n';
    writeProfile(dir, profile(['a', 'b'], sections));
    await run(dir);
    assert.equal(read(join(dir, 'cron.d', 'a')), `*/5 * * * * ${dir}/bin/a --x\n`);
    assert.equal(read(join(dir, 'cron.d', 'b')), '30 08 * * 1 b\n');
    const before = mtimeOf(join(dir, 'cron.d', 'a'));
    await run(dir);
    assert.equal(mtimeOf(join(dir, 'cron.d', 'a')), before);
    writeProfile(dir, profile(['a', 'b'], sections.replace('time = Mon 08:30', 'time = Mon 08:30:15')));
    await assert.rejects(run(dir), /Invalid systemd calendar spec 'Mon 08:30:15'/);
  });
});

test('userinfo: the running user and group', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['u', 'use'], '[u]\nrecipe = slapos.cookbook:userinfo\n[use]\nrecipe = slapos.recipe.template\ninline = ${u:pw-name} ${u:pw-uid} ${u:pw-gid} ${u:pw-dir} ${u:gr-name} ${u:gr-gid}\noutput = ${buildout:directory}/u\n'));
    await run(dir);
    const u = userInfo();
    const gid = process.getgid!();
    assert.equal(read(join(dir, 'u')), `${u.username} ${u.uid} ${u.gid} ${u.homedir} ${groupName(gid)} ${gid}`);
  });
});

test('check_port_listening: a Python promise run by [buildout] executable', async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'etc', 'promise'), { recursive: true });
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      writeProfile(dir, profile(['p'], `[p]\nrecipe = slapos.cookbook:check_port_listening\npath = \${buildout:directory}/etc/promise/p\nhostname = 127.0.0.1\nport = ${port}\n`));
      await run(dir);
      const path = join(dir, 'etc', 'promise', 'p');
      assert.equal(modeOf(path), 0o700);
      assert.ok(read(path).startsWith('#!/usr/bin/python3\n'));
      assert.equal(spawnSync(path).status, 0);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const r = spawnSync(join(dir, 'etc', 'promise', 'p'), { encoding: 'utf8' });
    assert.equal(r.status, 127);
    assert.equal(r.stderr, `127.0.0.1 on ${port} isn't listening\n`);
  });
});

test('check_url_available: the real recipe\'s shell promise calling curl (check_url.in, its quirks included)', async () => {
  await withTree({ 'curl': '#!/bin/sh\necho "$@" > "$(dirname "$0")/curl.args"\nprintf %s "$(cat "$(dirname "$0")/code")"\nexit "$(cat "$(dirname "$0")/status" 2>/dev/null || echo 0)"\n' }, async (dir) => {
    spawnSync('chmod', ['+x', join(dir, 'curl')]);
    writeProfile(
      dir,
      profile(['p'], `[p]\nrecipe = slapos.cookbook:check_url_available\npath = \${buildout:directory}/promise\nurl = https://[::1]:8443/x?a=b&c\ndash_path = /bin/sh\ncurl_path = \${buildout:directory}/curl\ncheck-secure = 1\nca-cert-file = /ca.pem\n`),
    );
    await run(dir);
    const promise = join(dir, 'promise');
    const check = (code: string, status?: string) => {
      writeFileSync(join(dir, 'code'), code);
      if (status) writeFileSync(join(dir, 'status'), status);
      const r = spawnSync(promise, { encoding: 'utf8' });
      return [r.status, r.stderr];
    };
    assert.deepEqual(check('200'), [0, '']);
    // the CA certificate alone is not passed: the template passes all three or none
    assert.equal(read(join(dir, 'curl.args')), '-g -k -sL https://[::1]:8443/x?a=b&c -w %{http_code} --max-time 20 -o /dev/null\n');
    assert.deepEqual(check('401'), [0, 'https://[::1]:8443/x?a=b&c is protected (returned 401).\n']);
    assert.deepEqual(check('500'), [2, 'https://[::1]:8443/x?a=b&c is not available (returned 500, expected 200).\n']);
    assert.deepEqual(check('000'), [1, 'https://[::1]:8443/x?a=b&c is not available (server not reachable).\n']);
    assert.deepEqual(check('', '3'), [1, 'URL malformed: https://[::1]:8443/x?a=b&c.\n']);
    // its second test reads the status of the first `if`, never curl's: a refused connection is "not reachable"
    assert.deepEqual(check('', '7'), [1, 'https://[::1]:8443/x?a=b&c is not available (server not reachable).\n']);
  });
});

const plugin = (over: string) => `[plugin]\nrecipe = slapos.cookbook:promise.plugin\neggs = slapos.toolbox\noutput = \${buildout:directory}/etc/plugin/check.py\n${over}\n`;

const PLUGIN_TAIL = `

# We want to cleanup all imported modules from slapos namespace, because
# they will conflict with slapos.core.
# In fact as slapos.grid is already imported, the promise cannot reimport
# his own slapos.grid from an updated sys.path. Then all module imports which
# are not in slapos.core will fail.
#
# call reload(slapos) only solve a part of problem because not all modules
# will be reloaded, and some new modules won't be added.
# The solution is to delete all cached 'slapos' modules as well as all cached
# 'pkg_resources' modules which is responsible of namespace declaration.
# They will be re-imported again using the updated sys.path
for module in list(sys.modules):
  if 'slapos' in module or 'pkg_resources' in module:
    del sys.modules[module]

`;

test('promise.plugin: the plugin file as slapos.cookbook writes it', async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'etc', 'plugin'), { recursive: true });
    mkdirSync(join(dir, 'eggs', 'slapos.toolbox-0.140-py3.11.egg'), { recursive: true });
    writeProfile(
      dir,
      `[buildout]\nparts = plugin\neggs-directory = \${:directory}/eggs\n\n` +
        plugin("module = slapos.promise.plugin.check_socket_listening\nconfig-host = ::1\nconfig-port = 8080\nconfig-param = 23'91'"),
    );
    await run(dir);
    const path = join(dir, 'etc', 'plugin', 'check.py');
    assert.equal(modeOf(path), 0o644);
    assert.equal(
      read(path),
      `# This script is auto generated by slapgrid, do not edit!\nimport sys\nsys.path[0:0] = ('${dir}/eggs/slapos.toolbox-0.140-py3.11.egg',)\n\n` +
        `extra_config_dict = {'host': '::1', 'param': "23'91'", 'port': '8080'}` +
        PLUGIN_TAIL +
        'from slapos.promise.plugin.check_socket_listening import RunPromise\n',
    );
    const saved = installedOptions(dir, 'plugin')!;
    assert.equal(saved.get('eggs-directory'), join(dir, 'eggs'));
  });
});

test('promise.plugin: file and class; no eggs found gives ()', async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'etc', 'plugin'), { recursive: true });
    writeProfile(dir, profile(['plugin'], plugin('file = /srv/promise.py\nclass = Check\nmode = 600')));
    await run(dir);
    const path = join(dir, 'etc', 'plugin', 'check.py');
    assert.equal(modeOf(path), 0o600);
    assert.equal(
      read(path),
      `# This script is auto generated by slapgrid, do not edit!\nimport sys\nsys.path[0:0] = ()\n\nextra_config_dict = {}` +
        PLUGIN_TAIL +
        "def _(path):\n  global _\n  del _\n  with open(path) as f:\n    return compile(f.read(), path, 'exec')\nexec(_('/srv/promise.py'))\n\nRunPromise = Check\n",
    );
  });
});

test('promise.plugin: errors', async () => {
  const cases: [string, RegExp][] = [
    ['module = a.b\nfile = /x', /Either 'module' or 'file' is required but not both/],
    ['', /Either 'module' or 'file' is required but not both/],
    ['module = slapos.promise; print "toto"', /'slapos.promise; print "toto"' is not a valid module name/],
    ['module = a\nclass = not valid', /'not valid' is not a valid class name/],
  ];
  for (const [over, error] of cases) {
    await withTree({}, async (dir) => {
      writeProfile(dir, profile(['plugin'], plugin(over)));
      await assert.rejects(run(dir), error);
    });
  }
});

test('publish: parameters written to .published-parameters.json, -extends and -publish, uninstall removes the entry', async () => {
  await withTree({}, async (dir) => {
    const sections = (extra = '') =>
      '[publish]\nrecipe = slapos.cookbook:publish\nurl = http://[::1]:8080\nname = Hello ${other:who}!\n-extends = early\n' +
      '[early]\nrecipe =\n-publish = password\npassword = s3cret\nunpublished = x\n' +
      '[other]\nwho = world\n' +
      '[ser]\nrecipe = slapos.cookbook:publish.serialised\n-slave-reference = SHARED-1\nkey = value\n' +
      extra;
    writeProfile(dir, profile(['publish', 'ser'], sections()));
    await run(dir);
    const file = join(dir, '.published-parameters.json');
    assert.equal(modeOf(file), 0o600);
    assert.deepEqual(JSON.parse(read(file)), {
      publish: { parameters: { name: 'Hello world!', password: 's3cret', url: 'http://[::1]:8080' }, serialised: false, 'slave-reference': null },
      ser: { parameters: { key: 'value' }, serialised: true, 'slave-reference': 'SHARED-1' },
    });
    const before = mtimeOf(file);
    const again = await run(dir);
    assert.deepEqual(again.report.updated, ['publish', 'ser']);
    assert.equal(mtimeOf(file), before);
    // a changed value in an extended section re-publishes
    writeProfile(dir, profile(['publish', 'ser'], sections().replace('password = s3cret', 'password = other')));
    await run(dir);
    assert.equal(JSON.parse(read(file)).publish.parameters.password, 'other');
    writeProfile(dir, profile(['publish'], sections()));
    await run(dir);
    assert.deepEqual(Object.keys(JSON.parse(read(file))), ['publish']);
  });
});

test('publish: -publish applies to the part\'s own section too; its own values win over an extended section\'s', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['own'], '[own]\nrecipe = slapos.cookbook:publish\n-extends = ext\n-publish = a b\na = mine\nb = 2\nc = not published\n[ext]\na = theirs\nd = 4\n'));
    await run(dir);
    assert.deepEqual(JSON.parse(read(join(dir, '.published-parameters.json'))).own.parameters, { a: 'mine', b: '2', d: '4' });
  });
});

test('publish: the file is not returned, so buildout never removes it', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['publish'], '[publish]\nrecipe = slapos.cookbook:publish\nx = 1\n'));
    await run(dir);
    assert.equal(installedOptions(dir, 'publish')!.get('__buildout_installed__'), '');
    assert.ok(existsSync(join(dir, '.published-parameters.json')));
  });
});

// Fake PostgreSQL tools that log their command line and standard input (initdb makes the cluster directory).
const PG_TOOLS: Record<string, string> = {
  initdb: '#!/bin/sh\necho "initdb $*" >> "$LOG"\nmkdir -p "$2"\n',
  postgres: '#!/bin/sh\necho "postgres $* <<< $(cat)" >> "$LOG"\n',
  pg_ctl: '#!/bin/sh\necho "pg_ctl $*" >> "$LOG"\nexit "${PG_CTL_STATUS:-0}"\n',
  psql: '#!/bin/sh\necho "psql $* <<< $(cat)" >> "$LOG"\n',
};

test('postgres: the cluster made once (initdb, database, superuser), configuration every run, psql when the server runs; url on the first IPv6', async () => {
  await withTree(Object.fromEntries(Object.entries(PG_TOOLS).map(([k, v]) => [`pg/bin/${k}`, v])), async (dir) => {
    for (const k of Object.keys(PG_TOOLS)) spawnSync('chmod', ['+x', join(dir, 'pg', 'bin', k)]);
    mkdirSync(join(dir, 'services'));
    const log = join(dir, 'log');
    process.env.LOG = log;
    try {
      const section = (more = '') => `[pg]\nrecipe = slapos.cookbook:postgres\nbin = ${dir}/pg/bin\ndbname = db\nipv4 = 10.0.0.1\nipv6 =\n  2001:db8::1\n  2001:db8::2\nport = 5432\npgdata-directory = ${dir}/pgdata\nservices = ${dir}/services\nsuperuser = admin\npassword = pw\n${more}\n[use]\nrecipe = slapos.recipe.template\ninline = \${pg:url}\noutput = \${buildout:directory}/url\n`;
      writeProfile(dir, profile(['pg', 'use'], section()));
      await run(dir);
      assert.equal(read(join(dir, 'url')), 'postgresql://admin:pw@[2001:db8::1]:5432/db');
      const md5 = 'md5' + createHash('md5').update('pwadmin').digest('hex');
      assert.deepEqual(read(log).trim().split('\n'), [
        `initdb -D ${dir}/pgdata -A ident -E UTF8 -U admin`,
        `postgres --single -D ${dir}/pgdata postgres <<< CREATE DATABASE "db"`,
        `postgres --single -D ${dir}/pgdata postgres <<< ALTER USER "admin" ENCRYPTED PASSWORD '${md5}'`,
      ]);
      assert.match(read(join(dir, 'pgdata', 'postgresql.conf')), /^listen_addresses = '10\.0\.0\.1,2001:db8::1,2001:db8::2'\nport = 5432\n[^]*unix_socket_directories = '.*\/pgdata'\n/);
      assert.match(read(join(dir, 'pgdata', 'pg_hba.conf')), /host {4}all {13}all {13}2001:db8::2\/128 {19}md5$/);
      assert.equal(read(join(dir, 'services', 'postgres-start')), `#!/bin/sh\nexec ${dir}/pg/bin/postgres \\\n    -D ${dir}/pgdata\n`);
      // the server runs (its pid file, pg_ctl status 0): the password through psql, no new cluster
      writeFileSync(join(dir, 'pgdata', 'postmaster.pid'), '1\n');
      writeFileSync(log, '');
      writeProfile(dir, profile(['pg', 'use'], section('max-connections = 7')));
      await run(dir);
      assert.deepEqual(read(log).trim().split('\n'), [`pg_ctl status -D ${dir}/pgdata`, `psql -h ${dir}/pgdata -p 5432 -U admin -d db <<< ALTER USER "admin" ENCRYPTED PASSWORD '${md5}'`]);
      assert.match(read(join(dir, 'pgdata', 'postgresql.conf')), /max_connections = 7\n/);
      // no initdb: a located error, and no half-made cluster left
      writeProfile(dir, profile(['pg', 'use'], section().replace(`bin = ${dir}/pg/bin`, `bin = ${dir}/none`).replace(`${dir}/pgdata`, `${dir}/pgdata2`)));
      await assert.rejects(run(dir), new RegExp(`File not found: ${dir}/none/initdb`));
      assert.equal(existsSync(join(dir, 'pgdata2')), false);
    } finally {
      delete process.env.LOG;
    }
  });
});

test('generic.mysql.wrap_update_mysql: the script upgrades, applies the init script and the time zones, retrying after a failure', async () => {
  await withTree(
    {
      'db/mysql_upgrade': '#!/bin/sh\necho upgrade >> "$LOG"\n',
      // the first client call fails (the server is not up yet), the next ones work
      'db/mysql': '#!/bin/sh\nif [ ! -e "$LOG.up" ]; then : > "$LOG.up"; echo "no server" >&2; exit 1; fi\necho "mysql $* <<< $(cat | head -1)" >> "$LOG"\n',
      'db/mysql_tzinfo_to_sql': '#!/bin/sh\necho "INSERT zone FROM $1"\n',
      'init.sql': 'CREATE DATABASE erp5;\n',
    },
    async (dir) => {
      for (const k of ['mysql_upgrade', 'mysql', 'mysql_tzinfo_to_sql']) spawnSync('chmod', ['+x', join(dir, 'db', k)]);
      writeProfile(dir, profile(['up'], `[up]\nrecipe = slapos.cookbook:generic.mysql.wrap_update_mysql\noutput = \${buildout:directory}/bin/update-mysql\nbinary = ${dir}/db/mysql_upgrade\nmysql = ${dir}/db/mysql\ninit-script = ${dir}/init.sql\n`));
      await run(dir);
      assert.equal(modeOf(join(dir, 'bin', 'update-mysql')), 0o755);
      const log = join(dir, 'log');
      const r = spawnSync(join(dir, 'bin', 'update-mysql'), { encoding: 'utf8', env: { ...process.env, LOG: log } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /failed with:\nno server\nSleeping for 1s and retrying\n[^]*SlapOS initialisation script succesfully applied on database.\n$/);
      assert.deepEqual(read(log).trim().split('\n'), ['upgrade', 'upgrade', 'mysql -B <<< CREATE DATABASE erp5;', 'mysql -B mysql <<< INSERT zone FROM /usr/share/zoneinfo']);
    },
  );
});

test('cloudooo.test: the unit test and test suite scripts run their binary through its interpreter, PATH prepended, arguments passed on', async () => {
  await withTree({ 'bin/runUnitTest': '#!/bin/sh\necho "unit $* PATH=$PATH"\n', 'bin/runTestSuite': 'echo suite "$@"\n' }, async (dir) => {
    writeProfile(
      dir,
      profile(['t'], `[t]\nrecipe = slapos.cookbook:cloudooo.test\nprepend-path = /opt/bin\nooo-paster = /bin/paster\nconfiguration-file = /etc/c.cfg\nrun-unit-test = \${buildout:directory}/runUnitTest\nrun-unit-test-binary = ${dir}/bin/runUnitTest\nrun-test-suite = \${buildout:directory}/runTestSuite\nrun-test-suite-binary = ${dir}/bin/runTestSuite\n`),
    );
    await run(dir);
    const unit = spawnSync(join(dir, 'runUnitTest'), ['-v'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.equal(unit.stdout, `unit --paster_path /bin/paster /etc/c.cfg -v PATH=/opt/bin:/usr/bin:/bin\n`);
    // no #! line: run as it is (here by the shell, as execve's ENOEXEC fallback)
    assert.equal(modeOf(join(dir, 'runTestSuite')), 0o755);
  });
});
