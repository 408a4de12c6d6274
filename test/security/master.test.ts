// The local master as a hostile local process meets it: with one
// partition's credentials it tries every call on another partition's data
// (none may be accepted, and the database must not change), without
// credentials it tries anything, it sends 100 MB bodies (refused, the
// master's memory barely moves) and documents that are not XML (400, not
// 500); the database and the administrator's token are private (0600).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyDict, PyList } from '../../python/index.ts';
import { HttpMaster } from '../../slap/client.ts';
import { marshal } from '../../slap/marshal.ts';
import type { Access } from '../../slapos/master/access.ts';
import { LocalMaster } from '../../slapos/master/local.ts';
import { startMaster } from '../helpers/node.ts';

const SR = 'http://sr/software.cfg';

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** One HTTP call: status and body. */
function call(url: string, path: string, o: { method?: 'GET' | 'POST'; form?: Record<string, string>; auth?: string; query?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  const q = o.query ? `?${new URLSearchParams(o.query)}` : '';
  const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}${q}`, { method: o.method ?? (body ? 'POST' : 'GET'), headers: { ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...(o.auth ? { authorization: `Basic ${Buffer.from(o.auth).toString('base64')}` } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A POST body of `size` bytes, streamed (with or without a Content-Length); the status, or the error when the master closes first. */
function flood(url: string, size: number, declared: boolean, auth: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest(`${url}/setComputerPartitionConnectionXml`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...(declared ? { 'content-length': String(size) } : {}) },
    });
    let done = false;
    const finish = (v: number | string) => {
      if (!done) {
        done = true;
        resolve(v);
      }
    };
    req.on('response', (res) => {
      res.resume();
      finish(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    const chunk = Buffer.alloc(1 << 20, 'a');
    let sent = 0;
    const write = () => {
      while (sent < size && !done) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (!done) req.end();
    };
    write();
  });
}

describe('the local master lets each partition in to its own data only', { timeout: 180_000 }, () => {
  let root: string;
  let master: ChildProcess;
  let url: string;
  let access: Access;
  let admin: string;
  let a: string;
  let b: string;
  let shared: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tsbuildout-security-master-'));
    ({ child: master, url } = await startMaster(['--db', join(root, 'master.db'), '--listen', '127.0.0.1:0', '--partitions', '4', '--root', join(root, 'node')]));
    const db = await LocalMaster.open(join(root, 'master.db'));
    access = db.access;
    db.close();
    admin = `admin:${access.adminToken()}`;
    const adminUrl = new URL(url);
    [adminUrl.username, adminUrl.password] = ['admin', access.adminToken()];
    const http = new HttpMaster(adminUrl.toString());
    // two instance trees: a on slappart0, b on slappart1; a requests a child and a shared instance it hosts
    a = String((await http.request({ softwareRelease: SR, title: 'a' })).instance!.attr('slap_computer_partition_id'));
    b = String((await http.request({ softwareRelease: SR, title: 'b' })).instance!.attr('slap_computer_partition_id'));
    const asA = new HttpMaster(access.partitionUrl(url, 'local', a));
    await asA.request({ computerId: 'local', partitionId: a, softwareRelease: SR, title: 'a-child' });
    await asA.request({ computerId: 'local', partitionId: a, softwareRelease: SR, title: 'front', shared: true });
    shared = 'a_front';
  });

  after(() => {
    master?.kill();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const tables = () => {
    const db = new (require('better-sqlite3') as typeof import('better-sqlite3'))(join(root, 'master.db'), { readonly: true });
    try {
      return JSON.stringify(['partition17', 'slave17', 'software17', 'computer17', 'partition_network17'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
    } finally {
      db.close();
    }
  };

  it('a partition may call on itself and request instances', async () => {
    const mine = `${a}:${access.partitionToken('local', a)}`;
    assert.equal((await call(url, '/registerComputerPartition', { query: { computer_reference: 'local', computer_partition_reference: a }, auth: mine })).status, 200);
    assert.equal((await call(url, '/setComputerPartitionConnectionXml', { form: { computer_id: 'local', computer_partition_id: a, connection_xml: marshal(PyDict.fromObject({ url: 'http://a' })), slave_reference: 'None' }, auth: mine })).status, 200);
    // a shared instance it hosts: it publishes for it
    const front = await call(url, '/registerComputerPartition', { query: { computer_reference: 'local', computer_partition_reference: a }, auth: mine });
    assert.match(front.body, /a_front/);
    const child = await call(url, '/requestComputerPartition', {
      form: { computer_id: 'local', computer_partition_id: a, software_release: SR, software_type: 'default', partition_reference: 'a-child', shared_xml: marshal(false), partition_parameter_xml: marshal(new PyDict()), filter_xml: marshal(new PyDict()), state: marshal('started') },
      auth: mine,
    });
    assert.equal(child.status, 200, child.body);
  });

  it('cross-partition calls and calls without credentials: none accepted, nothing changed', async (t) => {
    const before = tables();
    const asA = `${a}:${access.partitionToken('local', a)}`;
    const forged = `${b}:${access.partitionToken('local', a)}`;
    const onB = { computer_id: 'local', computer_partition_id: b };
    const requestForm = (partition: string) => ({ computer_id: 'local', computer_partition_id: partition, software_release: SR, software_type: 'default', partition_reference: 'stolen', shared_xml: marshal(false), partition_parameter_xml: marshal(new PyDict()), filter_xml: marshal(new PyDict()), state: marshal('started') });
    const attempts: [string, Parameters<typeof call>[2] & { path: string }][] = [
      ['read b', { path: '/registerComputerPartition', query: { computer_reference: 'local', computer_partition_reference: b } }],
      ['publish for b', { path: '/setComputerPartitionConnectionXml', form: { ...onB, connection_xml: marshal(PyDict.fromObject({ x: '1' })), slave_reference: 'None' } }],
      ["publish for b's … its shared instance", { path: '/setComputerPartitionConnectionXml', form: { ...onB, connection_xml: marshal(PyDict.fromObject({ x: '1' })), slave_reference: shared } }],
      ['bang b', { path: '/softwareInstanceBang', form: { ...onB, message: 'x' } }],
      ['report b destroyed', { path: '/destroyedComputerPartition', form: onB }],
      ['report b stopped', { path: '/stoppedComputerPartition', form: onB }],
      ['report b started', { path: '/startedComputerPartition', form: onB }],
      ['report an error of b', { path: '/softwareInstanceError', form: { ...onB, error_log: 'x' } }],
      ['rename b', { path: '/softwareInstanceRename', form: { ...onB, new_name: 'mine' } }],
      ['request as b', { path: '/requestComputerPartition', form: requestForm(b) }],
      ["b's related instances", { path: '/updateComputerPartitionRelatedInstanceList', form: { ...onB, instance_reference_xml: marshal(new PyDict()) } }],
      ["b's certificate", { path: '/getComputerPartitionCertificate', query: onB }],
      ['read the whole computer', { path: '/getFullComputerInformation', query: { computer_id: 'local' } }],
      ['read the computer (legacy)', { path: '/getComputerInformation', query: { computer_id: 'local' } }],
      ['supply a release', { path: '/supplySupply', form: { url: SR, computer_id: 'local', state: 'destroyed' } }],
      ['declare the computer', { path: '/loadComputerConfigurationFromXML', form: { xml: marshal(PyDict.fromObject({ reference: 'local', address: null, netmask: null, partition_list: new PyList() })) } }],
      ['destroy a release', { path: '/destroyedSoftwareRelease', form: { url: SR, computer_id: 'local' } }],
      ['a person request', { path: '/requestComputerPartition', form: { software_release: SR, software_type: 'default', partition_reference: 'b', shared_xml: marshal(false), partition_parameter_xml: marshal(PyDict.fromObject({ x: 'y' })), filter_xml: marshal(new PyDict()), state: marshal('destroyed') } }],
      ['search instance trees', { path: '/hateoas/', query: { mode: 'search', query: 'portal_type:"Instance Tree" AND validation_state:validated AND title:="b"' } }],
      ["b's document", { path: '/hateoas/partitions/b' }],
      ['tsbuildout instance', { path: '/tsbuildout/instance', query: { title: 'b' } }],
    ];
    let tried = 0;
    const accepted: string[] = [];
    for (const [what, o] of attempts) {
      for (const [who, auth, expected] of [['partition a', asA, 403], ["b's name with a's token", forged, 401], ['nobody', undefined, 401], ['a wrong password', `admin:${'0'.repeat(64)}`, 401]] as const) {
        const r = await call(url, o.path, { ...o, ...(auth ? { auth } : {}) });
        tried++;
        if (r.status !== expected) accepted.push(`${what} as ${who}: ${r.status} ${r.body.slice(0, 120)}`);
      }
    }
    t.diagnostic(`${tried} cross-partition or anonymous calls tried, ${accepted.length} accepted`);
    assert.deepEqual(accepted, []);
    assert.equal(tables(), before, 'the database changed');
  });

  it('100 MB bodies are refused before they are read: the master grows by less than 50 MB', async (t) => {
    const start = rss(master.pid!);
    let peak = start;
    const watch = setInterval(() => (peak = Math.max(peak, rss(master.pid!))), 20);
    try {
      const outcomes = [];
      for (const declared of [true, false, true, false]) outcomes.push(await flood(url, 100 * 1024 * 1024, declared, admin));
      // answered 413, or the connection closed on a body the master stopped reading
      for (const o of outcomes) assert.ok(o === 413 || o === 'EPIPE' || o === 'ECONNRESET', String(o));
      assert.ok(outcomes.includes(413), outcomes.join(', '));
    } finally {
      clearInterval(watch);
    }
    t.diagnostic(`master RSS ${(start / 2 ** 20).toFixed(0)} MB, peak ${(peak / 2 ** 20).toFixed(0)} MB during 4 bodies of 100 MB`);
    assert.ok(peak - start < 50 * 2 ** 20, `grew by ${((peak - start) / 2 ** 20).toFixed(0)} MB`);
    // and it still answers
    assert.equal((await call(url, '/getRunId')).status, 200);
  });

  it('a document that is not XML is a 400 (the proxy: 500)', async () => {
    for (const [path, form] of [
      ['/setComputerPartitionConnectionXml', { computer_id: 'local', computer_partition_id: a, connection_xml: '<marshal><dictionary', slave_reference: 'None' }],
      ['/loadComputerConfigurationFromXML', { xml: 'not xml at all' }],
      ['/requestComputerPartition', { software_release: SR, software_type: 'default', partition_reference: 'x', shared_xml: '<<<', partition_parameter_xml: marshal(new PyDict()), filter_xml: marshal(new PyDict()), state: marshal('started') }],
    ] as const) {
      const r = await call(url, path, { form, auth: admin });
      assert.equal(r.status, 400, `${path}: ${r.body}`);
      assert.match(r.body, /<title>400 Bad Request<\/title>/);
    }
  });

  it('the database, its journal files and the administrator token are private (0600)', () => {
    for (const f of ['master.db', 'master.db-wal', 'master.db-shm', 'master-admin.token']) {
      let mode: number;
      try {
        mode = statSync(join(root, f)).mode & 0o777;
      } catch {
        continue;
      }
      assert.equal(mode.toString(8), '600', f);
    }
    assert.equal((statSync(join(root, 'master.db')).mode & 0o777).toString(8), '600');
  });
});
