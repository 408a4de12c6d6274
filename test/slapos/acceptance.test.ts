// Acceptance: five software releases of ../shared/corpus/slapos run end to
// end on one temporary node, as on a SlapOS node with `slapos proxy`: each
// software release installed with --stub-software and stub executables
// written here that listen where the real ones would, one instance of each
// requested, one `node instance` run. Then: the connection parameters each
// instance published, the processes supervisord runs, the promises, and a
// second (forced) `node instance` that reinstalls nothing.
//
// One node for the five is what a real node does (one master, one
// supervisord, a partition each); it also keeps the suite's time down.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusRoot, repositoryRoot } from '../helpers/paths.ts';
import { cli, fixedPortsLock, get, hasSupervisord, lastRun, ok, show, status, stubServer, writeStubs, type Status } from '../helpers/node.ts';
import type { Lock } from '../../executor/lock.ts';

const corpus = corpusRoot();
const skip = !corpus ? 'no ../shared/corpus/slapos' : !hasSupervisord() ? "no supervisord (Debian's supervisor)" : false;

const sr = (name: string) => join(corpus ?? '', 'software', name, 'software.cfg');

const HELLOWEB = stubServer('# helloweb-KIND --logfile FILE IPV6 PORT NAME...\nshift 2\nip=$1 port=$2\nshift 2\nexec node "$STUB" --body "Hello $*!" "[$ip]:$port"');

export const STUBS: Record<string, Record<string, string>> = {
  helloworld: { 'bin/helloweb-python': HELLOWEB, 'bin/helloweb-ruby': HELLOWEB, 'bin/helloweb-go': HELLOWEB },
  'osie-coupler': {
    // server -d DEV -s SLAVES -p PORT …: the OPC-UA server listens on PORT, every address
    'bin/server': stubServer('port=4840\nwhile [ $# -gt 0 ]; do [ "$1" = -p ] && port=$2; shift; done\nexec node "$STUB" --body opc-ua "[::]:$port"'),
  },
  'html5as-base': {
    'parts/nginx/sbin/nginx': stubServer('# nginx -c CONF: listens and serves the root CONF names\nexec node "$STUB" --nginx-conf "$2"'),
    'parts/dash/bin/dash': '#!/bin/sh\nexec /bin/sh "$@"\n',
  },
  caucase: {
    'bin/caucased': stubServer('# caucased … --netloc HOST:PORT …\nwhile [ $# -gt 0 ]; do [ "$1" = --netloc ] && netloc=$2; shift; done\nexec node "$STUB" --body caucase "$netloc"'),
    'bin/caucase-probe': '#!/bin/sh\n# caucase-probe URL: the CA answers\nexec node -e \'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), (e) => { console.error(String(e.cause || e)); process.exit(1); })\' "$1"\n',
  },
  mosquitto: {
    // mosquitto -c CONF: listens on each `listener PORT HOST` of CONF
    'parts/mosquitto/sbin/mosquitto': stubServer('exec node "$STUB" --body mqtt $(awk \'/^listener /{h=$3; if (h ~ /:/) h="[" h "]"; print h ":" $2}\' "$2")'),
    // mosquitto_passwd -b FILE USER PASSWORD
    'parts/mosquitto/bin/mosquitto_passwd': '#!/bin/sh\necho "$3:$4" >> "$2"\n',
  },
};

const ASSIGNMENTS: Record<string, string[]> = {
  // the corpus leaves stack/caucase/caucase.jinja2.library out: a stand-in written for this test
  caucase: [`caucase-jinja2-library:url=${join(repositoryRoot(), 'fixtures', 'slapos', 'caucase.jinja2.library')}`, 'caucase-jinja2-library:md5sum='],
};

const INSTANCES: [title: string, software: string, parameters?: string][] = [
  ['hello', 'helloworld', '{"name": "Acceptance"}'],
  ['coupler', 'osie-coupler'],
  ['site', 'html5as-base'],
  ['ca', 'caucase'],
  ['mqtt', 'mosquitto'],
];

describe('acceptance: helloworld, osie-coupler, html5as-base, caucase and mosquitto on one node', { skip, timeout: 600_000 }, () => {
  let root = '';
  let first = { code: -1, stdout: '', stderr: '' };
  let states: Status[] = [];
  let lock: Lock | undefined;
  const partitionOf = (title: string) => states.find((s) => s.title === title)!;

  before(async () => {
    lock = await fixedPortsLock();
    root = mkdtempSync(join(tmpdir(), 'tsbuildout-node-'));
    for (const [, software] of INSTANCES) {
      const stubs = writeStubs(join(root, 'stubs', software), STUBS[software]!);
      await ok(['node', 'software', sr(software), '--stub-software', '--stub-bin', stubs, '--root', join(root, 'node'), ...(ASSIGNMENTS[software] ?? [])]);
    }
    for (const [title, software, parameters] of INSTANCES) await ok(['request', title, sr(software), '--root', join(root, 'node'), ...(parameters ? ['--parameters', parameters] : [])]);
    first = await cli(['node', 'instance', '--root', join(root, 'node')]);
    states = await status(join(root, 'node'));
  });

  after(async () => {
    if (root) {
      await cli(['node', 'stop', '--root', join(root, 'node')]);
      rmSync(root, { recursive: true, force: true });
    }
    lock?.release();
  });

  it('one node instance run deploys the five instances', () => {
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(states.map((s) => s.title).sort(), ['ca', 'coupler', 'hello', 'mqtt', 'site']);
    for (const s of states) assert.equal(s.status, 'started', `${s.title}: ${s.status}`);
  });

  it('helloworld: three helloweb services, their socket promises, the URLs published', async () => {
    const info = await show(join(root, 'node'), 'hello');
    assert.deepEqual(info.connection, { name: 'Hello Acceptance!', 'url.go': 'http://[::1]:7779', 'url.python': 'http://[::1]:7777', 'url.ruby': 'http://[::1]:7778' });
    const p = partitionOf('hello');
    assert.deepEqual(p.services.map((s) => [s.name, s.state]), [['helloweb-go-on-watch', 'RUNNING'], ['helloweb-python-on-watch', 'RUNNING'], ['helloweb-ruby-on-watch', 'RUNNING']]);
    assert.deepEqual(Object.keys(p.promises), ['helloweb-go.py', 'helloweb-python.py', 'helloweb-ruby.py']);
    for (const r of Object.values(p.promises)) assert.equal(r.failed, false, r.message);
    assert.equal(await get('http://[::1]:7777/'), 'Hello Acceptance!\n');
  });

  it('osie-coupler: the coupler service with its defaults, the legacy port promise, the OPC-UA URL published', async () => {
    const info = await show(join(root, 'node'), 'coupler');
    assert.deepEqual(info.connection, { password: '""', 'url-ipv6': 'opc.tcp://[::1]:4840', username: '""' });
    const p = partitionOf('coupler');
    assert.deepEqual(p.services.map((s) => [s.name, s.state]), [['coupler-opc-ua-on-watch', 'RUNNING']]);
    assert.deepEqual(Object.entries(p.promises).map(([k, v]) => [k, v.failed]), [['opc-ua-port-promise', false]]);
    const wrapper = readFileSync(join(root, 'node', 'instance', p.partition, 'etc', 'service', 'coupler-opc-ua'), 'utf8');
    assert.match(wrapper, /server \\\n\t-d \/dev\/i2c-1 -s 0x58 -p 4840 -u '' -w '' \\\n/);
  });

  it('html5as-base: switch-softwaretype runs the html5as profile; nginx (etc/run) serves the downloaded page', async () => {
    const info = await show(join(root, 'node'), 'site');
    assert.deepEqual(info.connection, { server_url: 'http://[::1]:8081' });
    const p = partitionOf('site');
    assert.deepEqual(p.services.map((s) => [s.name, s.state]), [['launcher', 'RUNNING']]);
    assert.deepEqual(p.promises, {});
    const dir = join(root, 'node', 'instance', p.partition);
    assert.match(readFileSync(join(dir, '.installed-switch-softwaretype.cfg'), 'utf8'), /^\[buildout\]\ninstalled_develop_eggs = \nparts = /);
    assert.match(readFileSync(join(dir, 'etc', 'nginx.conf'), 'utf8'), /listen \[::1\]:8081;/);
    assert.equal(await get('http://[::1]:8081/'), 'Hello World!\n');
  });

  it('caucase: slapconfiguration.serialised, the caucased profile through switch-softwaretype, its command promise, JSON-in-XML published', async () => {
    const info = await show(join(root, 'node'), 'ca');
    assert.deepEqual(info.connection, { _: '{"url": "http://[::1]:8009"}' });
    const p = partitionOf('ca');
    assert.deepEqual(p.services.map((s) => [s.name, s.state]), [['caucased-on-watch', 'RUNNING']]);
    assert.deepEqual(Object.entries(p.promises).map(([k, v]) => [k, v.failed, v.message]), [['caucased.py', false, 'OK']]);
    assert.equal(await get('http://[::1]:8009/'), 'caucase\n');
  });

  it('mosquitto: its config file written by slapos.recipe.build code (the Python bridge), the password file, the MQTT URLs published', async () => {
    const info = await show(join(root, 'node'), 'mqtt');
    const c = info.connection;
    assert.equal(c.username, 'mosquitto');
    assert.match(c.password!, /^\w{16}$/);
    assert.equal(c['ipv4-url'], `mqtt://${c.ipv4}:1883`);
    assert.equal(c['ipv6-url'], `mqtt://${c.ipv6}:1883`);
    const p = partitionOf('mqtt');
    assert.deepEqual(p.services.map((s) => [s.name, s.state]), [['mosquitto-service-on-watch', 'RUNNING']]);
    assert.deepEqual(Object.entries(p.promises).map(([k, v]) => [k, v.failed]), [['mosquitto-listen-promise-ipv4', false], ['mosquitto-listen-promise-ipv6', false]]);
    const etc = join(root, 'node', 'instance', p.partition, 'etc');
    assert.equal(readFileSync(join(etc, 'mosquitto-password-file.txt'), 'utf8'), `mosquitto:${c.password}\n`);
    assert.equal(readFileSync(join(etc, 'mosquitto-config-file.cfg'), 'utf8'), `listener 1883 ${c.ipv4}\nprotocol mqtt\n\nlistener 1883 ${c.ipv6}\nprotocol mqtt\n\npassword_file ${join(etc, 'mosquitto-password-file.txt')}\n\n`);
    assert.equal(await get(`http://${c.ipv4}:1883/`), 'mqtt\n');
  });

  it('a second node instance (forced) reinstalls nothing and restarts nothing', async () => {
    const pids = new Map(states.flatMap((s) => s.services.map((x) => [`${s.partition}/${x.name}`, x.pid] as const)));
    const again = await cli(['node', 'instance', '--force', '--root', join(root, 'node')]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    for (const s of states) {
      const run = lastRun(readFileSync(join(root, 'node', 'instance', s.partition, '.slapgrid', 'log', 'instance.log'), 'utf8'));
      assert.match(run, /Updating /, s.title);
      assert.doesNotMatch(run, /Installing |Uninstalling /, `${s.title} reinstalled something:\n${run}`);
    }
    const now = await status(join(root, 'node'));
    for (const s of now) for (const x of s.services) assert.equal(x.pid, pids.get(`${s.partition}/${x.name}`), `${s.title}: ${x.name} restarted`);
    const quiet = await cli(['node', 'instance', '--root', join(root, 'node')]);
    assert.equal(quiet.stdout.trim(), 'Every partition is up to date.');
  });
});
