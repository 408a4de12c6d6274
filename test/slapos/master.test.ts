// The SLAP protocol's encodings and tsbuildout's master: the proxy's
// identities and database effects through localApi, the migration of older
// databases, the HTTP server (Flask's answers, hateoas) and the proxy's
// configuration file. The call-by-call comparison with the real proxy is
// proxy-differential.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { PyDict, PyList, PyTuple, PySet } from '../../python/value.ts';
import { dict2xml, marshal, pyToJs, slapObject, unmarshal, xml2dict, type SlapObject } from '../../slap/marshal.ts';
import type { MasterApi } from '../../slap/api.ts';
import { LocalMaster, localApi } from '../../slapos/master/local.ts';
import { serveMaster } from '../../slapos/master/server.ts';
import { readConfigFile } from '../../parser/configparser.ts';
import { readProxyConfig } from '../../slapos/master/proxy-config.ts';
import { HttpMaster } from '../../slap/client.ts';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const SR = 'http://sr/software.cfg';

test('xml_marshaller: the documented ComputerPartition shape, round trips, double escaping, ids in document order', () => {
  const o = slapObject('ComputerPartition', { _parameter_dict: PyDict.fromObject({ foo: 'bar' }) }, ['COMP123', 'slappart345', null]);
  assert.equal(
    marshal(o),
    '<marshal><object id="i2" module="slapos.slap.slap" class="ComputerPartition"><tuple><string>COMP123</string><string>slappart345</string><none/></tuple><dictionary id="i3"><string>_parameter_dict</string><dictionary id="i4"><string>foo</string><string>bar</string></dictionary></dictionary></object></marshal>',
  );
  const v = PyDict.fromObject({ b: new PyList(['x', 1n, 2.5, true, null, new PyTuple(['t'])]), a: 'a < b & c', s: new PySet(['q']) });
  const text = marshal(v);
  assert.match(text, /<string>a &amp;lt; b &amp;amp; c<\/string>/);
  assert.match(text, /<dictionary id="i2"><string>a<\/string>/, 'keys sorted');
  assert.deepEqual(pyToJs(unmarshal(text)), { a: 'a < b & c', b: ['x', 1, 2.5, true, null, ['t']], s: ['q'] });
  // as lxml writes them (checked against the real proxy's answers)
  assert.equal(marshal(''), '<marshal><string></string></marshal>');
  assert.equal(marshal(new PyList([PyDict.fromObject({ k: new PyList() })])), '<marshal><list id="i2"><dictionary id="i3"><string>k</string><list id="i4"/></dictionary></list></marshal>');
  assert.equal(unmarshal('<marshal><string/></marshal>'), '');
  assert.throws(() => unmarshal('<marshal><object id="i2" module="os" class="system"><tuple/><dictionary id="i3"/></object></marshal>'), /refusing/);
});

test('dict2xml / xml2dict: every value a string, keys sorted', () => {
  const xml = dict2xml(PyDict.fromObject({ z: 1n, a: 'x&y', e: '' }));
  assert.equal(xml, `<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id="a">x&amp;y</parameter>\n  <parameter id="e"/>\n  <parameter id="z">1</parameter>\n</instance>\n`);
  assert.deepEqual(pyToJs(xml2dict(xml)), { a: 'x&y', e: null, z: '1' });
});

async function withMaster<T>(f: (m: LocalMaster, api: MasterApi, dir: string) => Promise<T>, computerId = 'COMP-0'): Promise<T> {
  return withTree({}, async (dir) => {
    const m = await LocalMaster.open(join(dir, 'master.db'), { computerId, softwareProducts: new Map([['foo', 'http://sr/foo.cfg']]) });
    try {
      return await f(m, localApi(m), dir);
    } finally {
      m.close();
    }
  });
}

const partitionOf = (o: SlapObject | undefined) => `${String(o?.attr('slap_computer_id'))}/${String(o?.attr('slap_computer_partition_id'))}`;
const params = (cp: SlapObject) => cp.attr('_parameter_dict') as PyDict;
const row = (m: LocalMaster, computer: string, ref: string) => m.m.partition(ref, computer)!;

test('identity: an instance is its title and its root; two trees get two partitions, a person a third', async () => {
  await withMaster(async (m, api) => {
    await api.loadComputerConfiguration({ reference: 'COMP-0', address: '10.0.0.1', netmask: '255.255.255.0', partitions: [0, 1, 2, 3].map((i) => ({ reference: `slappart${i}`, interface: i === 3 ? null : `tap${i}`, addresses: [{ addr: `10.0.0.${i + 2}`, netmask: '255.255.255.0' }] })) });
    const a = await api.request({ softwareRelease: SR, title: 'tree-a' });
    const b = await api.request({ softwareRelease: SR, title: 'tree-b' });
    assert.deepEqual([partitionOf(a.instance), partitionOf(b.instance)], ['COMP-0/slappart0', 'COMP-0/slappart1']);
    const childA = await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, softwareType: 'db', title: 'mariadb', parameters: PyDict.fromObject({ size: 'a' }) });
    const childB = await api.request({ computerId: 'COMP-0', partitionId: 'slappart1', softwareRelease: SR, softwareType: 'db', title: 'mariadb', parameters: PyDict.fromObject({ size: 'b' }) });
    assert.deepEqual([partitionOf(childA.instance), partitionOf(childB.instance)], ['COMP-0/slappart2', 'COMP-0/slappart3']);
    assert.equal(row(m, 'COMP-0', 'slappart2').requested_by, 'tree-a');
    assert.equal(row(m, 'COMP-0', 'slappart3').requested_by, 'tree-b');
    assert.deepEqual(pyToJs(params(await api.register('COMP-0', 'slappart3')).get('ip_list')!), [['slappart3', '10.0.0.5']], "a partition without a tap name: its reference");
    assert.equal(params(await api.register('COMP-0', 'slappart3')).get('root_instance_title'), 'tree-b');
    // each tree keeps its own parameters
    assert.equal(xml2dict(row(m, 'COMP-0', 'slappart2').xml).get('size'), 'a');
    // a person asking for the children's title gets a partition of its own: none is left
    await assert.rejects(api.request({ softwareRelease: SR, title: 'mariadb' }), /No free computer partition found for: mariadb/);
    // a grandchild belongs to the root's tree, by the root's title
    await api.loadComputerConfiguration({ reference: 'COMP-0', address: null, netmask: null, partitions: [0, 1, 2, 3, 4, 5].map((i) => ({ reference: `slappart${i}`, addresses: [] })) });
    const grand = await api.request({ computerId: 'COMP-0', partitionId: 'slappart2', softwareRelease: SR, title: 'backup' });
    assert.equal(row(m, 'COMP-0', String(grand.instance!.attr('slap_computer_partition_id'))).requested_by, 'tree-a');
    const person = await api.request({ softwareRelease: SR, title: 'mariadb' });
    assert.equal(partitionOf(person.instance), 'COMP-0/slappart5');
    // the whole tree is banged; tree-b is not
    const before = row(m, 'COMP-0', 'slappart1').timestamp;
    await api.bang('COMP-0', 'slappart4', 'died');
    const t = row(m, 'COMP-0', 'slappart0').timestamp;
    assert.deepEqual([row(m, 'COMP-0', 'slappart2').timestamp, row(m, 'COMP-0', 'slappart4').timestamp], [t, t]);
    assert.equal(row(m, 'COMP-0', 'slappart1').timestamp, before);
    assert.equal(m.instanceInformation('backup')!.bang, 'died');
  });
});

test('requests: timestamps move on change only, a child follows its stopped root, computer_guid, shared instances and their references', async () => {
  await withMaster(async (m, api) => {
    await api.loadComputerConfiguration({ reference: 'COMP-0', address: null, netmask: null, partitions: [0, 1, 2].map((i) => ({ reference: `slappart${i}`, addresses: [] })) });
    await api.loadComputerConfiguration({ reference: 'COMP-1', address: null, netmask: null, partitions: [{ reference: 'slappart0', addresses: [{ addr: '10.1.0.1', netmask: '255.0.0.0' }] }] });
    await api.request({ softwareRelease: SR, title: 'root', parameters: PyDict.fromObject({ n: 1n }) });
    const t0 = row(m, 'COMP-0', 'slappart0').timestamp;
    const again = await api.request({ softwareRelease: SR, title: 'root', parameters: PyDict.fromObject({ n: 1n }) });
    assert.equal(row(m, 'COMP-0', 'slappart0').timestamp, t0, 'same request, same timestamp');
    assert.equal(params(again.instance!).get('timestamp'), String(t0), "str() of the stored float");
    await api.request({ softwareRelease: SR, title: 'root', parameters: PyDict.fromObject({ n: 2n }) });
    assert.ok(row(m, 'COMP-0', 'slappart0').timestamp! > t0!);
    // on the computer the filter names
    const remote = await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'far', filter: PyDict.fromObject({ computer_guid: 'COMP-1' }) });
    assert.equal(partitionOf(remote.instance), 'COMP-1/slappart0');
    // a child requested started while its root is stopped stays stopped
    await api.request({ softwareRelease: SR, title: 'root', parameters: PyDict.fromObject({ n: 2n }), state: 'stopped' });
    const child = await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'far', state: 'started' });
    assert.equal(child.instance!.attr('_requested_state'), 'stopped');
    assert.equal(row(m, 'COMP-1', 'slappart0').requested_state, 'stopped');
    // shared: <root title>_<title> on the first partition of the release; not ready when none
    const shared = await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'front', shared: true, parameters: PyDict.fromObject({ url: 'http://x' }) });
    assert.equal(partitionOf(shared.instance), 'COMP-0/slappart0');
    assert.deepEqual(pyToJs(params(await api.register('COMP-0', 'slappart0')).get('slave_instance_list')!), [{ slave_title: 'root_front', slave_reference: 'root_front', slap_software_type: 'default', url: 'http://x' }]);
    assert.match((await api.request({ softwareRelease: 'http://sr/none.cfg', title: 'front', shared: true })).notReady!, /No partition corresponding to slave request/);
    await api.request({ softwareRelease: SR, title: 'front', shared: true });
    assert.deepEqual(m.m.rootShared().map((s) => s.reference), ['_front']);
    // the host publishes for it; 'None' (slapos.slap's None) means the partition itself
    await api.setConnection('COMP-0', 'slappart0', PyDict.fromObject({ 'front-url': 'https://f' }), 'root_front');
    await api.setConnection('COMP-0', 'slappart0', PyDict.fromObject({ own: 'yes' }), 'None');
    assert.deepEqual(pyToJs(xml2dict(m.m.slave('root_front')!.connection_xml)), { 'front-url': 'https://f' });
    assert.deepEqual(pyToJs(xml2dict(row(m, 'COMP-0', 'slappart0').connection_xml)), { own: 'yes' });
    // the apache frontend bypass answers the URL itself
    const frontend = await api.request({ softwareRelease: 'http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD:/software/apache-frontend/software.cfg', title: 'web', shared: true, parameters: PyDict.fromObject({ url: 'http://[::1]:8080/' }) });
    assert.deepEqual(pyToJs(frontend.instance!.attr('_connection_dict')!), { secure_access: 'http://[::1]:8080/', domain: '[::1]:8080' });
    // a master_url that is not this master: not listed (no multimaster)
    await assert.rejects(api.request({ softwareRelease: SR, title: 'x', filter: PyDict.fromObject({ master_url: 'http://127.0.0.1:9/' }) }), /External SlapOS Master URL http:\/\/127.0.0.1:9\/ is not listed in multimaster list./);
  });
});

test('destruction: a root with children marks them destroyed first; rename carries the tree; software releases', async () => {
  await withMaster(async (m, api) => {
    await api.loadComputerConfiguration({ reference: 'COMP-0', address: null, netmask: null, partitions: [0, 1, 2].map((i) => ({ reference: `slappart${i}`, addresses: [] })) });
    await api.request({ softwareRelease: SR, title: 'root' });
    await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'child' });
    await api.rename('COMP-0', 'slappart0', 'renamed');
    assert.equal(row(m, 'COMP-0', 'slappart1').requested_by, 'renamed');
    assert.equal(m.destroyed('COMP-0', 'slappart0'), 'Not destroying yet because this partition has child partitions: child');
    assert.equal(row(m, 'COMP-0', 'slappart1').requested_state, 'destroyed');
    assert.equal(m.destroyed('COMP-0', 'slappart9'), "Unknown partition 'slappart9' on 'COMP-0'");
    await api.reportState('COMP-0', 'slappart1', 'destroyed');
    await api.reportState('COMP-0', 'slappart0', 'destroyed');
    assert.deepEqual(m.m.partitions('COMP-0').map((p) => [p.slap_state, p.requested_by, p.partition_reference]), [['free', '', null], ['free', '', null], ['free', '', null]]);
    assert.equal(m.instanceInformation('renamed'), undefined);
    // software releases: supplied, destroyed (the row goes), products from the configuration
    await api.supply(SR, 'COMP-0');
    assert.equal(m.supply(SR, 'COMP-0', 'destroyed'), "Supplied 'http://sr/software.cfg' to be destroyed");
    assert.throws(() => m.supply(SR, 'COMP-0', 'started'), /Wrong state started/);
    await api.softwareReleaseState(SR, 'COMP-0', 'destroyed');
    assert.deepEqual(m.m.software('COMP-0'), []);
    assert.deepEqual(pyToJs(m.softwareReleaseList('foo', null)), ['http://sr/foo.cfg']);
    assert.deepEqual(pyToJs(m.softwareReleaseList('bar', null)), []);
    // an unknown computer other than the configured one
    assert.throws(() => m.computerInformation('COMP-9'), /COMP-9 is not registered./);
    assert.equal((m.computerInformation('COMP-0').attr('_computer_partition_list') as PyList).items.length, 3);
  });
});

test('supply: re-supplying moves a release last, as REPLACE does in the proxy; one already last with its state is not written again', async () => {
  await withMaster(async (m) => {
    const other = 'http://sr/other.cfg';
    m.supply(SR, 'COMP-0', 'available');
    m.supply(other, 'COMP-0', 'available');
    const order = () => m.m.software('COMP-0').map((r) => `${(r as { url: string }).url} ${(r as { requested_state: string }).requested_state}`);
    const changes = () => (m.m.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    assert.deepEqual(order(), [`${SR} available`, `${other} available`]);
    let before = changes();
    m.supply(other, 'COMP-0', 'available');
    assert.equal(changes(), before, 'the last row, unchanged, was written again');
    m.supply(SR, 'COMP-0', 'available');
    assert.deepEqual(order(), [`${other} available`, `${SR} available`]);
    before = changes();
    m.supply(SR, 'COMP-0', 'destroyed');
    assert.ok(changes() > before);
    assert.deepEqual(order(), [`${other} available`, `${SR} destroyed`]);
  });
});

test('what tsbuildout keeps beyond the proxy: reports, the requesting partition, the requester seeing its child publish, related instances', async () => {
  await withMaster(async (m, api) => {
    m.format(3);
    assert.deepEqual(pyToJs(params(await (async () => (await api.request({ softwareRelease: SR, title: 'root' }), api.register('COMP-0', 'slappart0')))()).get('ip_list')!), [['lo', '127.0.1.1'], ['lo', '::1']]);
    await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'child' });
    await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'other' });
    await api.error('COMP-0', 'slappart0', 'boom');
    assert.equal(m.instanceInformation('root')!.error, 'boom');
    assert.equal(m.accessStatus('COMP-0', 'slappart0'), '#error boom');
    await api.reportState('COMP-0', 'slappart0', 'started');
    assert.equal(m.accessStatus('COMP-0', 'slappart0'), 'started');
    assert.deepEqual([m.instanceInformation('root')!.error, m.instanceInformation('root')!['reported-state']], [null, 'started']);
    assert.equal(m.instanceInformation('child')!['requested-by'], 'slappart0');
    // a shared instance the tree asked for, found by its title
    await api.request({ computerId: 'COMP-0', partitionId: 'slappart0', softwareRelease: SR, title: 'web', shared: true, parameters: PyDict.fromObject({ k: 'v' }) });
    await api.error('COMP-0', 'slappart0', 'no such site', 'root_web');
    assert.deepEqual({ ...m.instanceInformation('web')!, parameters: null, connection: null }, { title: 'web', shared: true, 'software-release': SR, 'software-type': 'default', 'requested-state': 'started', parameters: null, connection: null, computer: 'COMP-0', 'hosted-by': 'slappart0', error: 'no such site', 'error-at': m.m.reportOf('shared', 'root_web', 'COMP-0')!.error_at });
    assert.deepEqual(pyToJs(m.instanceInformation('web')!.parameters), { k: 'v' });
    // a child's new connection parameters: the root's timestamp, as the node sees it, moves (its row does not)
    const stored = row(m, 'COMP-0', 'slappart0').timestamp;
    const seen = () => params(m.registerPartition('COMP-0', 'slappart0')).get('timestamp');
    assert.equal(seen(), String(stored));
    await api.setConnection('COMP-0', 'slappart1', PyDict.fromObject({ k: 'v' }));
    assert.notEqual(seen(), String(stored));
    assert.equal(row(m, 'COMP-0', 'slappart0').timestamp, stored);
    const after = seen();
    await api.setConnection('COMP-0', 'slappart1', PyDict.fromObject({ k: 'v' }));
    assert.equal(seen(), after, 'the same parameters again: no change');
    // the root no longer requests `other`
    await api.relatedInstances('COMP-0', 'slappart0', ['child']);
    assert.deepEqual([row(m, 'COMP-0', 'slappart1').requested_state, row(m, 'COMP-0', 'slappart2').requested_state], ['started', 'destroyed']);
  });
});

// the CREATE statements of tsbuildout's master before it adopted the proxy's schema
const OLD_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS computer (reference TEXT PRIMARY KEY, address TEXT, netmask TEXT);
CREATE TABLE IF NOT EXISTS software (url TEXT, computer_reference TEXT, requested_state TEXT DEFAULT 'available', PRIMARY KEY (url, computer_reference));
CREATE TABLE IF NOT EXISTS partition (
  reference TEXT, computer_reference TEXT, slap_state TEXT DEFAULT 'free', software_release TEXT, xml TEXT,
  connection_xml TEXT, slave_instance_list TEXT, software_type TEXT, partition_reference TEXT, requested_by TEXT,
  requested_state TEXT NOT NULL DEFAULT 'started', timestamp REAL NOT NULL DEFAULT 0,
  reported_state TEXT, error_text TEXT, error_at REAL, bang_text TEXT, bang_at REAL,
  PRIMARY KEY (reference, computer_reference));
CREATE TABLE IF NOT EXISTS slave (
  reference TEXT, computer_reference TEXT, hosted_by TEXT, asked_by TEXT, software_release TEXT, software_type TEXT,
  xml TEXT, connection_xml TEXT, error_text TEXT, PRIMARY KEY (reference, computer_reference));
CREATE TABLE IF NOT EXISTS partition_network (
  partition_reference TEXT, computer_reference TEXT, reference TEXT, address TEXT, netmask TEXT);
`;

function database(path: string): BetterSqlite3.Database {
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  return new Database(path);
}

test('migration: a database of the earlier tsbuildout master keeps its instances under the proxy identities, with a backup', async () => {
  await withTree({}, async (dir) => {
    const path = join(dir, 'master.db');
    const db = database(path);
    db.exec(OLD_SCHEMA);
    db.prepare('INSERT INTO computer VALUES (?, ?, ?)').run('local', '127.0.1.1', '255.255.255.255');
    db.prepare('INSERT INTO software VALUES (?, ?, ?)').run(SR, 'local', 'available');
    const slaveList = marshal(new PyList([PyDict.fromObject({ url: 'http://x', slave_title: 'front', slap_software_type: 'default', slave_reference: 'front' })]));
    const ins = db.prepare('INSERT INTO partition (reference, computer_reference, slap_state, software_release, xml, connection_xml, slave_instance_list, software_type, partition_reference, requested_by, requested_state, timestamp, reported_state, error_text, error_at, bang_text, bang_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    ins.run('slappart0', 'local', 'busy', SR, dict2xml(PyDict.fromObject({ n: '1' })), null, slaveList, 'default', 'root', null, 'started', 12.5, 'started', null, null, 'died', 11.0);
    ins.run('slappart1', 'local', 'busy', SR, null, dict2xml(PyDict.fromObject({ k: 'v' })), null, 'db', 'child', 'slappart0', 'started', 13.5, 'error', 'boom', 14.0, null, null);
    ins.run('slappart2', 'local', 'busy', SR, null, null, null, 'db', 'grandchild', 'slappart1', 'stopped', 15.5, null, null, null, null, null);
    ins.run('slappart3', 'local', 'free', null, null, null, null, null, null, null, 'started', 0, null, null, null, null, null);
    const net = db.prepare('INSERT INTO partition_network VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 4; i++) net.run(`slappart${i}`, 'local', 'lo', `127.0.1.${i + 1}`, '255.255.255.255');
    db.prepare('INSERT INTO slave (reference, computer_reference, hosted_by, asked_by, software_release, software_type, xml, connection_xml, error_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run('front', 'local', 'slappart0', 'slappart1', SR, 'default', null, dict2xml(PyDict.fromObject({ u: '1' })), 'bad');
    db.close();

    const m = await LocalMaster.open(path, { computerId: 'local' });
    try {
      assert.ok(m.migrationBackup && existsSync(m.migrationBackup));
      assert.match(m.migrationBackup, /master\.db-backup-0to17-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\.sql$/);
      const dump = readFileSync(m.migrationBackup, 'utf8');
      assert.match(dump, /^BEGIN TRANSACTION;\nCREATE TABLE computer /);
      assert.match(dump, /INSERT INTO "partition" VALUES\('slappart1','local','busy','http:\/\/sr\/software.cfg',NULL,/);
      const tables = (m.db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      assert.deepEqual(tables, ['computer17', 'config17', 'forwarded_partition_request17', 'partition17', 'partition_network17', 'slave17', 'software17', 'tsbuildout_access17', 'tsbuildout_report17']);
      assert.deepEqual(m.m.partitions('local').map((p) => [p.reference, p.partition_reference, p.requested_by, p.timestamp]), [
        ['slappart0', 'root', '', 12.5],
        ['slappart1', 'child', 'root', 13.5],
        ['slappart2', 'grandchild', 'root', 15.5],
        ['slappart3', null, '', null],
      ]);
      // the shared instance takes the proxy's reference, in the slave table and in its host's list
      assert.deepEqual(m.m.slave('root_front'), { reference: 'root_front', computer_reference: 'local', connection_xml: dict2xml(PyDict.fromObject({ u: '1' })), hosted_by: 'slappart0', asked_by: 'root' });
      assert.deepEqual(pyToJs(unmarshal(row(m, 'local', 'slappart0').slave_instance_list!)), [{ url: 'http://x', slave_title: 'root_front', slap_software_type: 'default', slave_reference: 'root_front' }]);
      // reports went to tsbuildout's table
      assert.deepEqual([m.instanceInformation('root')!.bang, m.instanceInformation('child')!.error, m.instanceInformation('child')!['requested-by']], ['died', 'boom', 'slappart0']);
      assert.equal(m.m.reportOf('shared', 'root_front', 'local')!.error_text, 'bad');
      // and the identities work on: the child, asked again by its root, is the same partition
      const again = await localApi(m).request({ computerId: 'local', partitionId: 'slappart0', softwareRelease: SR, softwareType: 'db', title: 'child' });
      assert.equal(partitionOf(again.instance), 'local/slappart1');
    } finally {
      m.close();
    }
    // opened again: nothing to migrate
    const m2 = await LocalMaster.open(path, { computerId: 'local' });
    assert.equal(m2.migrationBackup, undefined);
    m2.close();
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.sql')).length, 1);
  });
});

test("migration: a database of an older proxy version is migrated as the proxy's views.py does", async () => {
  await withTree({}, async (dir) => {
    const path = join(dir, 'proxy.db');
    const db = database(path);
    db.exec(`CREATE TABLE partition16 (reference VARCHAR(255), computer_reference VARCHAR(255), slap_state VARCHAR(255), software_release VARCHAR(255), partition_reference VARCHAR(255), requested_by VARCHAR(255), requested_state VARCHAR(255), timestamp REAL, PRIMARY KEY (reference, computer_reference));
      CREATE TABLE local_software_release_root16 (path VARCHAR(255));`);
    const ins = db.prepare('INSERT INTO partition16 VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    ins.run('slappart0', 'c', 'busy', SR, 'root', null, 'started', 1.5);
    ins.run('slappart1', 'c', 'busy', SR, 'child', 'slappart0', 'started', 2.5);
    db.prepare('INSERT INTO local_software_release_root16 VALUES (?)').run('/srv');
    db.close();
    const m = await LocalMaster.open(path, { computerId: 'c' });
    try {
      assert.match(m.migrationBackup!, /proxy\.db-backup-16to17-/);
      assert.deepEqual(m.m.partitions('c').map((p) => p.requested_by), [null, 'root'].map((x) => x ?? ''));
      assert.deepEqual(m.db.prepare('SELECT * FROM config17').all(), [{ name: 'local_software_release_root', value: '/srv' }]);
    } finally {
      m.close();
    }
  });
});

test('the master over HTTP: the client, Flask answers, hateoas', async () => {
  await withMaster(async (m) => {
    m.format(2);
    const serving = await serveMaster(m, '127.0.0.1', 0);
    try {
      // the administrator's credentials, as the CLI and the node carry them
      const admin = new URL(serving.url);
      admin.username = 'admin';
      admin.password = m.access.adminToken();
      const http = new HttpMaster(admin.toString());
      const a = await http.request({ softwareRelease: SR, title: 'one', parameters: PyDict.fromObject({ name: 'World' }) });
      assert.equal(a.instance!.attr('slap_computer_partition_id'), 'slappart0');
      const info = await http.computerInformation('COMP-0');
      assert.equal((info.attr('_computer_partition_list') as PyList).items.length, 2);
      await http.setConnection('COMP-0', 'slappart0', PyDict.fromObject({ url: 'http://h' }));
      assert.deepEqual(pyToJs((await http.instanceInformation('one'))!.connection), { url: 'http://h' });
      assert.equal(await http.instanceInformation('nobody'), undefined);
      const authorization = `Basic ${Buffer.from(`admin:${m.access.adminToken()}`).toString('base64')}`;
      const get = async (path: string, init?: RequestInit) => {
        const res = await fetch(serving.url + path, { redirect: 'manual', ...init, headers: { authorization, ...(init?.headers as Record<string, string>) } });
        return { status: res.status, body: await res.text(), location: res.headers.get('location') };
      };
      assert.deepEqual(await get('/supplySupply'), { status: 405, body: '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n', location: null });
      assert.equal((await get('/getFullComputerInformation')).status, 400);
      assert.equal((await get('/nothing')).status, 404);
      assert.equal((await get('/getRunId')).body, m.runId);
      const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
      assert.deepEqual(await get('/supplySupply', form({ url: SR, computer_id: 'COMP-0', state: 'available' })), { status: 200, body: "Supplied 'http://sr/software.cfg' to be available", location: null });
      assert.equal((await get('/requestComputerPartition', form({ software_release: SR, software_type: 'default', partition_reference: 'x', state: marshal('started'), partition_parameter_xml: marshal(new PyDict()), filter_xml: marshal(PyDict.fromObject({ computer_guid: 'COMP-9' })), shared_xml: marshal(false) }))).body, '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No free computer partition found for: x</p>\n');
      // hateoas: what `slapos service info one` reads
      const root = JSON.parse((await get('/hateoas/')).body) as { _links: { raw_search: { href: string } } };
      assert.equal(root._links.raw_search.href, `${serving.url}/hateoas/?mode=search&query={query}&select_list={select_list}`);
      const search = await get(`/hateoas/?mode=search&query=${encodeURIComponent('portal_type:"Instance Tree" AND validation_state:validated AND title:="one"')}`);
      const contents = (JSON.parse(search.body) as { _embedded: { contents: { relative_url: string; timestamp: number }[] } })._embedded.contents;
      assert.deepEqual(contents.map((c) => c.relative_url), ['/hateoas/partitions/one']);
      assert.match(search.body, new RegExp(`"timestamp":${String(row(m, 'COMP-0', 'slappart0').timestamp).replace('.', '\\.')}`));
      const traverse = await get('/hateoas/?mode=traverse&relative_url=%2Fhateoas%2Fpartitions%2Fone&view=x');
      assert.deepEqual([traverse.status, traverse.location], [302, '/hateoas/partitions/one']);
      const doc = JSON.parse((await get('/hateoas/partitions/one')).body) as { _embedded: { _view: Record<string, { default: unknown }> } };
      assert.equal(doc._embedded._view.my_connection_parameter_list!.default, dict2xml(PyDict.fromObject({ url: 'http://h' })));
      assert.equal((await get('/hateoas/?mode=search&query=x')).body, '<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Unhandled query: x</p>\n');
    } finally {
      await serving.close();
    }
  });
});

test("the proxy's configuration file: configparser's reading, the options used, the others named", async () => {
  const cfg = readConfigFile('[DEFAULT]\nbase = /srv\n[slapos]\nComputer_ID: COMP-7\n# a comment\nroot = %(base)s/x\n\n[slapproxy]\nlist =\n  a b\n\n  c d\n', 'x.cfg');
  assert.equal(cfg.get('slapos', 'computer_id'), 'COMP-7');
  assert.equal(cfg.get('slapos', 'root'), '/srv/x');
  assert.equal(cfg.get('slapproxy', 'list'), '\na b\n\nc d');
  assert.throws(() => readConfigFile('[a]\nx = 1\nx = 2\n', 'y.cfg'), /y\.cfg:3: option "x" in section "a" already exists/);
  assert.throws(() => readConfigFile('x = 1\n', 'z.cfg'), /z\.cfg:1: File contains no section headers/);
  await withTree({ 'proxy.cfg': '[slapos]\ncomputer_id = COMP-0\nsoftware_root = /opt\n[slapproxy]\nhost = 127.0.0.1\nport = 0\ndatabase_uri = proxy.db\nsoftware_product_list =\n  foo http://sr/foo.cfg\n[networkcache]\nx = 1\n' }, async (dir) => {
    const settings = readProxyConfig(join(dir, 'proxy.cfg'));
    assert.deepEqual({ ...settings, softwareProducts: [...settings.softwareProducts] }, { computerId: 'COMP-0', host: '127.0.0.1', port: '0', databaseUri: 'proxy.db', softwareProducts: [['foo', 'http://sr/foo.cfg']], unused: ['[slapos] software_root', '[networkcache]'] });
    // `tsbuildout master --cfg`: serves the configured computer and products, names what it does not use
    const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), 'master', '--cfg', 'proxy.cfg'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const found = / at (http:\/\/\S+)/.exec(out);
          if (found) resolve(found[1]!);
        });
        child.on('exit', (code) => reject(new Error(`master exited ${code}: ${out}${err}`)));
      });
      assert.equal(err, 'Not used by tsbuildout master: [slapos] software_root, [networkcache]\n');
      // the administrator's token, 0600 beside the database
      const tokenFile = join(dir, 'proxy-admin.token');
      assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
      const headers = { authorization: `Basic ${Buffer.from(`admin:${readFileSync(tokenFile, 'utf8').trim()}`).toString('base64')}` };
      assert.equal((await fetch(`${url}/getFullComputerInformation?computer_id=COMP-0`)).status, 401);
      assert.equal(await (await fetch(`${url}/getSoftwareReleaseListFromSoftwareProduct?software_product_reference=foo`, { headers })).text(), '<marshal><list id="i2"><string>http://sr/foo.cfg</string></list></marshal>');
      const computer = await (await fetch(`${url}/getFullComputerInformation?computer_id=COMP-0`, { headers })).text();
      assert.equal(computer, '<marshal><object id="i2" module="slapos.slap.slap" class="Computer"><tuple><string>COMP-0</string></tuple><dictionary id="i3"><string>_computer_id</string><string>COMP-0</string><string>_computer_partition_list</string><list id="i4"/><string>_software_release_list</string><list id="i5"/></dictionary></object></marshal>');
      assert.ok(existsSync(join(dir, 'proxy.db')));
    } finally {
      child.kill();
    }
    writeFileSync(join(dir, 'bad.cfg'), '[slapproxy]\nport = 1\n');
    const bad = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), 'master', '--cfg', 'bad.cfg'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const [code, stderr] = await new Promise<[number | null, string]>((resolve) => {
      let e = '';
      bad.stderr.on('data', (d: Buffer) => (e += d.toString()));
      bad.on('exit', (c) => resolve([c, e]));
    });
    assert.deepEqual([code, stderr], [1, 'Error: bad.cfg: [slapos] computer_id is required\n']);
  });
});
