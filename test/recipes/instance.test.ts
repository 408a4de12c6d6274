// The fixture instance profile (fixtures/instance) installed into a
// temporary partition, the way slapgrid runs an instance profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';
import { withTree } from '../helpers/files.ts';
import { installedOptions, modeOf, read, run } from './run.ts';

const PARTS = [
  'directory',
  'userinfo',
  'admin-password',
  'secret-key',
  'helloweb-port',
  'helloweb-config',
  'helloweb-page',
  'site',
  'logo',
  'helloweb',
  'worker',
  'bootstrap',
  'logrotate-cron',
  'backup-cron',
  'bin-links',
  'init-marker',
  'helloweb-promise',
  'helloweb-port-promise',
  'helloweb-url-promise',
  'publish-connection-parameter',
  'publish-monitor',
];

function partition(dir: string, tail = ''): void {
  mkdirSync(join(dir, 'software_release', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'software_release', 'buildout.cfg'), '[buildout]\n# the software release profile\n');
  // links to missing files would count as missing files (os.path.exists follows links) and reinstall bin-links on every run
  for (const bin of ['helloweb', 'logrotate']) writeFileSync(join(dir, 'software_release', 'bin', bin), '#!/bin/sh\n');
  writeBuildout(dir, tail);
}

function writeBuildout(dir: string, tail = ''): void {
  writeFileSync(join(dir, 'buildout.cfg'), `[buildout]\nextends = ${join(repositoryRoot(), 'fixtures', 'instance', 'instance.cfg')}\n${tail}`);
}

/** Every file and link under the partition (but .installed.cfg) with its mtime. */
function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const s = lstatSync(p);
      if (s.isDirectory()) walk(p);
      else out.set(relative(dir, p), s.mtimeMs);
    }
  };
  walk(dir);
  return out;
}

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

test('the fixture instance profile installs into a partition; a re-run changes nothing; removing a service uninstalls exactly it', async () => {
  await withTree({}, async (dir) => {
    partition(dir);
    const first = await run(dir);
    assert.deepEqual(first.report.uninstalled, []);
    assert.deepEqual(first.report.installed, PARTS);
    assert.deepEqual(first.warnings, []);

    // directories
    for (const d of ['etc/run', 'etc/service', 'etc/promise', 'etc/plugin', 'etc/cron.d', 'var/log', 'var/run', 'srv/www', 'srv/backup', 'bin', 'tmp']) {
      assert.ok(statSync(join(dir, d)).isDirectory(), d);
    }

    // passwords: stored 0600, volatile, published
    const adminStorage = join(dir, 'parts', 'admin-password');
    const admin = JSON.parse(read(adminStorage))[''] as string;
    assert.match(admin, /^[A-Za-z0-9]{20}$/);
    assert.equal(modeOf(adminStorage), 0o666 & ~process.umask()); // open(path, 'w'), as generate.password
    assert.match(JSON.parse(read(join(dir, 'etc', '.secret-key')))[''], /^[A-Za-z0-9]{16}$/);
    assert.equal(installedOptions(dir, 'admin-password')!.get('passwd'), undefined);

    // configuration and the service renamed after it
    const port = Number(installedOptions(dir, 'helloweb-port')!.get('port'));
    assert.ok(port >= 42000 && port < 42100);
    const config = read(join(dir, 'etc', 'helloweb.conf'));
    assert.equal(
      config,
      `# helloweb configuration, rendered by slapos.recipe.template\nlisten = 127.0.0.1:${port}\ndocument-root = ${dir}/srv/www\nlog = ${dir}/var/log/helloweb.log\n# kept literally for the service to expand: \${HOME}\n`,
    );
    assert.equal(modeOf(join(dir, 'etc', 'helloweb.conf')), 0o640);
    const sr = readFileSync(join(dir, 'software_release', 'buildout.cfg'));
    const hash = md5(Buffer.concat([Buffer.from(`${Buffer.byteLength(config)}\n${config}${sr.length}\n`), sr]));
    const service = join(dir, 'etc', 'service', `helloweb-${hash}`);
    assert.equal(modeOf(service), 0o700);
    assert.equal(
      read(service),
      '#!/bin/sh -e\n' +
        `export HELLOWEB_CONFIG=${dir}/etc/helloweb.conf\n` +
        "export HELLOWEB_NAME='John Doe'\n" +
        `exec /usr/bin/python3 -m http.server --bind \\\n\t127.0.0.1 ${port} --directory ${dir}/srv/www \\\n\t"$@"\n`,
    );
    assert.deepEqual(readdirSync(join(dir, 'etc', 'service')).sort(), [`helloweb-${hash}`, 'worker']);
    // generic_exec's script (wait-for-files, pidfile), as slapos.cookbook's: Python, 0755
    assert.match(read(join(dir, 'etc', 'service', 'worker')), /\n    sys\.exit\(generic_exec\(\["\/bin\/sleep", "3600"\], wait_list=\[.*\], pidfile=".*\/worker\.pid", sig_ign="USR1"\)\)\n$/);
    assert.equal(modeOf(join(dir, 'etc', 'service', 'worker')), 0o755);
    assert.deepEqual(readdirSync(join(dir, 'etc', 'run')), ['bootstrap']);

    // the start-up script runs
    assert.equal(spawnSync(join(dir, 'etc', 'run', 'bootstrap'), { env: { ...process.env, USER: 'tester' } }).status, 0);
    assert.equal(read(join(dir, 'var', 'log', 'bootstrap.log')), 'bootstrapped by tester\n');

    // static files, downloads, links, cron, the command's marker
    assert.equal(read(join(dir, 'srv', 'www', 'hello.html')), '<html><body>Hello John Doe!</body></html>');
    assert.equal(read(join(dir, 'srv', 'www', 'site', 'index.html')), '<h1>static site</h1>\n');
    assert.equal(read(join(dir, 'srv', 'www', 'logo.txt')), 'tsbuildout logo\n');
    assert.equal(readlinkSync(join(dir, 'bin', 'helloweb')), join(dir, 'software_release', 'bin', 'helloweb'));
    assert.equal(read(join(dir, 'etc', 'cron.d', 'logrotate')), `0 * * * * ${dir}/bin/logrotate\n`);
    assert.equal(read(join(dir, 'etc', 'cron.d', 'backup')), `30 02 * * 1-5 cp -r ${dir}/srv/www ${dir}/srv/backup\n`);
    assert.ok(existsSync(join(dir, 'var', 'initialised')));

    // promises
    const plugin = read(join(dir, 'etc', 'plugin', 'helloweb-listening.py'));
    assert.ok(plugin.includes(`extra_config_dict = {'host': '127.0.0.1', 'port': '${port}'}\n`));
    assert.ok(plugin.endsWith('from slapos.promise.plugin.check_socket_listening import RunPromise\n'));
    assert.deepEqual(readdirSync(join(dir, 'etc', 'promise')).sort(), ['helloweb-port-promise', 'helloweb-url-promise']);

    // published parameters
    assert.deepEqual(JSON.parse(read(join(dir, '.published-parameters.json'))), {
      'publish-connection-parameter': {
        parameters: {
          'admin-password': admin,
          'admin-user': 'admin',
          name: 'Hello John Doe!',
          'site-url': `http://127.0.0.1:${port}/site/index.html`,
          url: `http://127.0.0.1:${port}`,
        },
        serialised: false,
        'slave-reference': null,
      },
      'publish-monitor': { parameters: { 'monitor-base-url': `http://127.0.0.1:${port}` }, serialised: true, 'slave-reference': 'SHARED-MONITOR' },
    });

    // the service serves, and its promises pass
    const web = spawn(service, [], { stdio: 'ignore' });
    try {
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        await new Promise((r) => setTimeout(r, 50));
        ok = spawnSync(join(dir, 'etc', 'promise', 'helloweb-port-promise')).status === 0;
      }
      assert.ok(ok, 'the port promise passes once the service listens');
    } finally {
      web.kill();
    }

    // a second run: every part updated, nothing rewritten
    const installedCfg = statSync(join(dir, '.installed.cfg')).mtimeMs;
    const before = snapshot(dir);
    const second = await run(dir);
    assert.deepEqual(second.report, { uninstalled: [], installed: [], updated: PARTS });
    assert.deepEqual(snapshot(dir), before);
    assert.equal(statSync(join(dir, '.installed.cfg')).mtimeMs, installedCfg);

    // removing the worker service uninstalls exactly it
    writeBuildout(dir, '[buildout]\nparts -= worker\n');
    const third = await run(dir);
    assert.deepEqual(third.report.uninstalled, [{ part: 'worker', reason: { kind: 'not-selected' } }]);
    assert.deepEqual(third.report.installed, []);
    assert.deepEqual(third.report.updated, PARTS.filter((p) => p !== 'worker'));
    const after = snapshot(dir);
    const expected = new Map(before);
    expected.delete('etc/service/worker');
    for (const changed of ['buildout.cfg', '.installed.cfg']) {
      expected.delete(changed);
      after.delete(changed);
    }
    assert.deepEqual(after, expected);

    // passwords survive all of it
    assert.equal(JSON.parse(read(adminStorage))[''], admin);
  });
});
