// The SLAP client on the wire: each call of tsbuildout's clients (the
// asynchronous HttpMaster and the synchronous SyncSlap of the recipes) is
// sent as the real slapos.slap sends it — path, method and form fields,
// in order — compared on a recording server that both talk to
// (fixtures/slap/slap-calls.py drives slapos.slap through
// ../shared/tools/slapos-reference --python); and over HTTPS, the node's
// client certificate presented by both clients, the master's certificate
// verified only against a given CA.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyDict, PyList } from '../../python/value.ts';
import { calls, computerDict, HttpMaster, type MasterConnection, normaliseMasterUrl } from '../../slap/client.ts';
import { SyncSlap } from '../../slap/sync.ts';
import { marshal, pyToJs, slapObject } from '../../slap/marshal.ts';
import { MasterError, NotDestroyedYet, type ComputerConfiguration } from '../../slap/api.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { hasOpenssl, makeCertificates, type Certificates } from '../helpers/tls.ts';

const reference = join(repositoryRoot(), '..', 'shared', 'tools', 'slapos-reference');
const noReference = existsSync(reference) ? false : 'no ../shared/tools/slapos-reference';

interface Recorded {
  method: string;
  path: string;
  form: [string, string][];
  /** The CN of the client certificate, over HTTPS. */
  client?: string;
}

/** What a master answers, enough for slapos.slap to go on: documents where it reads one, else 'done'. */
function answers(): Record<string, [number, string]> {
  const partition = slapObject('ComputerPartition', { _computer_id: 'COMP', _partition_id: 'slappart0', _requested_state: 'started', _parameter_dict: PyDict.fromObject({ timestamp: '1' }), _connection_dict: new PyDict(), _software_release_document: null }, ['COMP', 'slappart0']);
  return {
    '/getHateoasUrl': [404, 'no hateoas'],
    '/getFullComputerInformation': [200, marshal(slapObject('Computer', { _computer_id: 'COMP', _computer_partition_list: new PyList([]), _software_release_list: new PyList([]) }, ['COMP']))],
    '/registerComputerPartition': [200, marshal(partition)],
    '/requestComputerPartition': [200, marshal(slapObject('SoftwareInstance', { slap_computer_id: 'COMP', slap_computer_partition_id: 'slappart1', _connection_dict: new PyDict(), _parameter_dict: new PyDict() }))],
    '/getComputerPartitionCertificate': [200, marshal(PyDict.fromObject({ certificate: '', key: '' }))],
    '/destroyedComputerPartition': [200, 'OK'],
  };
}

interface Recording {
  url: string;
  /** The requests since the last call. */
  log(connection?: MasterConnection): Promise<Recorded[]>;
  close(): void;
}

/** fixtures/slap/recording-master.mjs in its own process (the synchronous client blocks this thread). */
async function recordingServer(dir: string, tls?: Certificates): Promise<Recording> {
  const file = join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify(answers()));
  const child = spawn(process.execPath, [join(repositoryRoot(), 'fixtures', 'slap', 'recording-master.mjs'), file, ...(tls ? [tls.server.key, tls.server.cert, tls.ca.cert] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`recording master exited ${code}`)));
  });
  return {
    url,
    log: async (connection) => JSON.parse((await new HttpMaster(connection ?? url).get(`${url}/__log`)).body) as Recorded[],
    close: () => child.stdin.end(),
  };
}

function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

const COMPUTER: ComputerConfiguration = {
  reference: 'COMP',
  address: '127.0.1.1',
  netmask: '255.255.255.255',
  partitions: [0, 1].map((i) => ({ reference: `slappart${i}`, interface: 'lo', addresses: [{ addr: `127.0.1.${i + 1}`, netmask: '255.255.255.255' }, { addr: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' }] })),
};

describe('the SLAP client sends what slapos.slap sends', { skip: noReference, timeout: 60_000 }, () => {
  let python: Recorded[] = [];
  let ours: Recorded[] = [];
  let sync: Recorded[] = [];

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-wire-'));
    const server = await recordingServer(dir);
    try {
      // asynchronously: the recording server answers from this process
      const r = await run(reference, ['--python', join(repositoryRoot(), 'fixtures', 'slap', 'slap-calls.py'), server.url, JSON.stringify(pyToJs(computerDict(COMPUTER)))]);
      assert.equal(r.code, 0, r.stderr);
      python = await server.log();
      const m = new HttpMaster(server.url);
      await m.hateoasUrl();
      await m.loadComputerConfiguration(COMPUTER);
      await m.computerBang('COMP', 'the computer');
      await m.supply('/sr/a.cfg', 'COMP');
      await m.supply('/sr/a.cfg', 'COMP', 'destroyed');
      // Supply.supply without a computer sends computer_id=None as 'None'
      await m.send(calls.supply('/sr/a.cfg', null, 'available'));
      for (const state of ['building', 'available', 'destroyed'] as const) await m.softwareReleaseState('/sr/a.cfg', 'COMP', state);
      await m.softwareReleaseError('/sr/a.cfg', 'COMP', 'it failed');
      await m.computerInformation('COMP');
      await m.register('COMP', 'slappart0');
      await m.request({ computerId: 'COMP', partitionId: 'slappart0', softwareRelease: '/sr/b.cfg', softwareType: 'child', title: 'the child', parameters: PyDict.fromObject({ a: '1', b: 'x y' }), filter: PyDict.fromObject({ computer_guid: 'COMP' }), state: 'started' });
      await m.request({ computerId: 'COMP', partitionId: 'slappart0', softwareRelease: '/sr/b.cfg', title: 'front', shared: true });
      await m.setConnection('COMP', 'slappart0', PyDict.fromObject({ url: 'http://[::1]:80/', n: '1' }));
      await m.setConnection('COMP', 'slappart0', PyDict.fromObject({ url: 'y' }), '_front');
      await m.error('COMP', 'slappart0', 'it broke');
      await m.error('COMP', 'slappart0', 'it broke', '_front');
      await m.bang('COMP', 'slappart0', 'a bang');
      for (const state of ['started', 'stopped', 'destroyed'] as const) await m.reportState('COMP', 'slappart0', state);
      await m.rename('COMP', 'slappart0', 'renamed');
      await m.rename('COMP', 'slappart0', 'renamed', '_front');
      await m.relatedInstances('COMP', 'slappart0', ['the child', 'other']);
      await m.partitionCertificate('COMP', 'slappart0');
      await m.request({ softwareRelease: '/sr/a.cfg', title: 'mine', parameters: PyDict.fromObject({ k: 'v' }), shared: true });
      await m.request({ softwareRelease: '/sr/a.cfg', title: 'yours', softwareType: 't', filter: PyDict.fromObject({ computer_guid: 'COMP' }), state: 'stopped' });
      ours = await server.log();
      const s = new SyncSlap(server.url);
      s.register('COMP', 'slappart0');
      s.request({ computerId: 'COMP', partitionId: 'slappart0', softwareRelease: '/sr/b.cfg', softwareType: 'child', title: 'the child', parameters: PyDict.fromObject({ a: '1', b: 'x y' }), filter: PyDict.fromObject({ computer_guid: 'COMP' }), state: 'started' });
      s.setConnection('COMP', 'slappart0', PyDict.fromObject({ url: 'http://[::1]:80/', n: '1' }));
      s.error('COMP', 'slappart0', 'it broke');
      sync = await server.log();
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every call: the same path, method and form fields in the same order', () => {
    assert.equal(ours.length, python.length);
    for (let i = 0; i < python.length; i++) assert.deepEqual(ours[i], python[i], `call ${i + 1}: ${python[i]!.path}`);
  });

  it('the synchronous client sends the same requests', () => {
    const pick = (path: string, n = 0) => python.filter((c) => c.path === path)[n];
    assert.deepEqual(sync, [pick('/registerComputerPartition'), pick('/requestComputerPartition'), pick('/setComputerPartitionConnectionXml'), pick('/softwareInstanceError')]);
  });
});

describe('answers of calls that return nothing', () => {
  let server: http.Server;
  let url = '';
  const bodies: Record<string, [number, string]> = {
    '/destroyedComputerPartition': [200, 'Not destroying yet because this partition has child partitions: a, b'],
    '/stoppedComputerPartition': [200, 'Ignored'],
    '/supplySupply': [200, "Supplied '/sr' to be available"],
    '/softwareInstanceRename': [200, "Unknown partition 'x' on 'COMP'"],
    '/updateComputerPartitionRelatedInstanceList': [404, '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n'],
    '/requestComputerPartition': [404, '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No free computer partition found for: x</p>\n'],
  };
  before(async () => {
    server = http.createServer((req, res) => {
      const [status, body] = bodies[new URL(req.url ?? '/', 'http://x').pathname] ?? [500, 'Internal Server Error'];
      req.resume();
      req.on('end', () => res.writeHead(status).end(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  it('plain-text answers are not parsed; "Not destroying yet" is told apart from a freed partition', async () => {
    const m = new HttpMaster(url);
    await m.reportState('COMP', 'slappart0', 'stopped');
    await m.supply('/sr', 'COMP');
    await assert.rejects(m.reportState('COMP', 'slappart0', 'destroyed'), (e) => e instanceof NotDestroyedYet && e.message === 'Not destroying yet because this partition has child partitions: a, b');
    await assert.rejects(m.rename('COMP', 'x', 'y'), (e) => e instanceof MasterError && e.status === 404 && /Unknown partition 'x'/.test(e.message));
  });

  it('a 404 is a MasterError with the text of the error page; other failures keep their status', async () => {
    const m = new HttpMaster(url);
    await assert.rejects(m.relatedInstances('COMP', 'slappart0', []), (e) => e instanceof MasterError && e.status === 404 && e.message === 'the master does not know this (updateComputerPartitionRelatedInstanceList): The requested URL was not found on the server.');
    await assert.rejects(m.request({ softwareRelease: '/sr', title: 'x' }), (e) => e instanceof MasterError && e.status === 404 && /No free computer partition found for: x$/.test(e.message));
    await assert.rejects(m.bang('COMP', 'slappart0', 'x'), (e) => e instanceof MasterError && e.status === 500);
  });

  it('a master that is not there: one line naming it', async () => {
    const m = new HttpMaster('http://127.0.0.1:1');
    await assert.rejects(m.computerInformation('COMP'), (e) => e instanceof MasterError && e.status === 503 && /^cannot reach the master at http:\/\/127\.0\.0\.1:1\/getFullComputerInformation\?computer_id=COMP: connect ECONNREFUSED/.test(e.message));
    assert.throws(() => new SyncSlap('http://127.0.0.1:1').register('COMP', 'slappart0'), (e) => e instanceof MasterError && e.status === 503);
  });

  it('a bare IPv6 address gets its brackets', () => {
    assert.equal(normaliseMasterUrl('http://::1:8080/x'), 'http://[::1:8080]/x');
    assert.equal(normaliseMasterUrl('http://fd00::1/'), 'http://[fd00::1]/');
    assert.equal(normaliseMasterUrl('http://[::1]:8080'), 'http://[::1]:8080');
    assert.equal(normaliseMasterUrl('https://master.example:443/'), 'https://master.example:443/');
  });
});

describe('HTTPS with the node\'s client certificate', { skip: hasOpenssl() ? false : 'no openssl', timeout: 60_000 }, () => {
  let dir = '';
  let certs: Certificates;
  let server: Recording;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsbuildout-tls-'));
    certs = makeCertificates(dir);
    server = await recordingServer(dir, certs);
  });
  after(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('both clients present the certificate; the master\'s is not verified without a CA (as slapos.slap)', async () => {
    const connection = { url: server.url, keyFile: certs.client.key, certFile: certs.client.cert };
    await new HttpMaster(connection).computerInformation('COMP');
    new SyncSlap(connection).register('COMP', 'slappart0');
    assert.deepEqual((await server.log(connection)).map((c) => [c.path, c.client]), [['/getFullComputerInformation', 'COMP-test-node'], ['/registerComputerPartition', 'COMP-test-node']]);
  });

  it('with the master\'s CA, its certificate is verified', async () => {
    await new HttpMaster({ url: server.url, keyFile: certs.client.key, certFile: certs.client.cert, caFile: certs.ca.cert }).computerInformation('COMP');
    const wrong = { url: server.url, keyFile: certs.client.key, certFile: certs.client.cert, caFile: certs.otherCa.cert };
    const refused = (e: unknown) => e instanceof MasterError && e.status === 503 && /: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE): .*the master's CA\)$/.test(e.message);
    await assert.rejects(new HttpMaster(wrong).computerInformation('COMP'), refused);
    assert.throws(() => new SyncSlap(wrong).register('COMP', 'slappart0'), refused);
  });

  it('without a certificate the master turns the node away; a missing key file is named', async () => {
    await assert.rejects(new HttpMaster(server.url).computerInformation('COMP'), (e) => e instanceof MasterError && e.status === 503 && /check the node's key and certificate/.test(e.message));
    await assert.rejects(new HttpMaster({ url: server.url, keyFile: join(dir, 'none.key'), certFile: certs.client.cert }).computerInformation('COMP'), (e) => e instanceof MasterError && /cannot read the key file for the master at https:.*none\.key/.test(e.message));
  });
});
