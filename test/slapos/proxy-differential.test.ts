// The differential suite of the master: one fixed sequence of real
// slapos.slap calls (fixtures/slapos/differential/drive.py, run with the
// reference's Python) against the real `slapos proxy` and against
// `tsbuildout master`, both started on the same configuration file (each
// its own database), compared call by call: every HTTP exchange (status,
// body, redirect), what the client got, and the rows of the proxy's tables
// after the call. They must be identical except for the differences the
// README lists, held here with their reasons. Then the real proxy opens
// tsbuildout's database and answers as tsbuildout did.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';
import { freePort } from '../../slapos/node/config.ts';

const shared = join(repositoryRoot(), '..', 'shared');
const reference = join(shared, 'tools', 'slapos-reference');
const DRIVER = join(repositoryRoot(), 'fixtures', 'slapos', 'differential', 'drive.py');

function skipReason(): string | false {
  if (!existsSync(reference) || !existsSync(join(shared, 'reference', 'slapos.core'))) return 'no ../shared/reference (the real slapos.core)';
  const probe = spawnSync(reference, ['--python', '-c', 'import slapos.slap, slapos.proxy, flask, lxml, requests, xml_marshaller'], { encoding: 'utf8' });
  if (probe.status !== 0) return `the real proxy cannot run here (${(probe.stderr || String(probe.error)).trim().split('\n').pop()})`;
  return false;
}
const skip = skipReason();

interface Exchange {
  method: string;
  path: string;
  status: number;
  body: string;
  location?: string;
}

interface Step {
  step: number;
  call: string;
  exchanges: Exchange[];
  outcome: unknown;
  tables: unknown;
}

/**
 * The differences the README lists ("The SlapOS node", the master), each
 * with its reason and how it shows in a step: `explains` is true when the
 * step differs only that way.
 */
const DIFFERENCES: { name: string; reason: string; explains: (proxy: Step, ts: Step) => boolean }[] = [
  {
    name: 'a shared instance with no host yet is not ready (408)',
    reason: 'as the real SlapOS master answers: the requester gets ResourceNotReady and asks again later; the proxy answers 404 (NotFoundError), which fails the requester',
    explains: (p, t) =>
      p.exchanges.length === 1 &&
      t.exchanges.length === 1 &&
      p.exchanges[0]!.path === '/requestComputerPartition' &&
      p.exchanges[0]!.status === 404 &&
      t.exchanges[0]!.status === 408 &&
      /No partition corresponding to slave request/.test(p.exchanges[0]!.body) &&
      t.exchanges[0]!.body === p.exchanges[0]!.body.replace('404 Not Found', '408 Request Timeout').replace('<h1>Not Found', '<h1>Request Timeout') &&
      JSON.stringify(p.tables) === JSON.stringify(t.tables),
  },
  {
    name: 'updateComputerPartitionRelatedInstanceList exists',
    reason: "the real SlapOS master's call (slapgrid sends it after each partition): tsbuildout destroys the instances a partition no longer requests; the proxy has no such route (404)",
    explains: (p, t) =>
      p.exchanges.length === 1 &&
      p.exchanges[0]!.path === '/updateComputerPartitionRelatedInstanceList' &&
      p.exchanges[0]!.status === 404 &&
      t.exchanges[0]!.status === 200 &&
      JSON.stringify(p.tables) === JSON.stringify(t.tables),
  },
  {
    name: "a requester's timestamp follows what its instances publish",
    reason: 'so that the node processes the requester again and it reads its children\'s connection parameters in the same run; the database row keeps the proxy\'s timestamp, the proxy leaves that to the next periodic run',
    explains: (p, t) => {
      // equal once the timestamps tsbuildout shows only in answers (P<n>) stand for the proxy's (T<n>)
      const tokens = (s: string) => s.split(/\b([TP]\d+)\b/);
      const a = tokens(JSON.stringify([p.exchanges, p.outcome]));
      const b = tokens(JSON.stringify([t.exchanges, t.outcome]));
      let used = false;
      const same =
        a.length === b.length &&
        a.every((x, i) => {
          if (x === b[i]) return true;
          if (i % 2 === 1 && /^T\d+$/.test(x) && /^P\d+$/.test(b[i]!)) return (used = true);
          return false;
        });
      return same && used && JSON.stringify(p.tables) === JSON.stringify(t.tables);
    },
  },
];

function config(dir: string, name: string, port: number): string {
  const path = join(dir, `${name}.cfg`);
  writeFileSync(path, `[slapos]\ncomputer_id = COMP-0\n\n[slapproxy]\nhost = 127.0.0.1\nport = ${port}\ndatabase_uri = ${join(dir, `${name}.db`)}\nsoftware_product_list =\n  foo http://sr/foo.cfg\n  bar http://sr/bar.cfg\n`);
  return path;
}

/** Wait until the master answers /getRunId (or its process ends). */
async function ready(child: ChildProcess, url: string, what: string): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 300 && !exited; i++) {
    try {
      if ((await fetch(`${url}/getRunId`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start at ${url}`);
}

/**
 * Start a master on a free port, again on another one when it does not come
 * up as ours: another test's server may take the port between freePort and
 * the bind (then this one exits, while the other answers /getRunId).
 */
async function startOn(start: (port: number) => ChildProcess, db: string, what: string, taken: Set<number>): Promise<{ child: ChildProcess; url: string }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    const url = `http://127.0.0.1:${port}`;
    const child = start(port);
    try {
      await ready(child, url, what);
      // ours: its database made, still running a moment later
      for (let i = 0; i < 50 && !existsSync(db) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      if (existsSync(db) && child.exitCode === null && child.signalCode === null) return { child, url };
    } catch {
      // it did not start on this port
    }
    await stop(child);
  }
  throw new Error(`${what} did not start on any of 5 free ports`);
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function startProxy(cfg: string, dir: string): ChildProcess {
  return spawn(reference, ['proxy', 'start', '--cfg', cfg], { cwd: dir, stdio: 'ignore' });
}

function startTsbuildout(cfg: string, dir: string): ChildProcess {
  return spawn(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), 'master', '--cfg', cfg], { cwd: dir, stdio: 'ignore' });
}

/** Drive a master; `auth`: the credentials every request carries (tsbuildout's administrator). */
function drive(url: string, db: string, dir: string, auth?: string): Promise<Step[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...(auth ? { TSBUILDOUT_MASTER_AUTH: auth } : {}) };
    const child = spawn(reference, ['--python', DRIVER, url, db], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the driver failed against ${url} (${code}):\n${err}`));
      else resolve(out.trim().split('\n').map((l) => JSON.parse(l) as Step));
    });
  });
}

describe('the master, call by call against the real slapos proxy', { skip, timeout: 180_000 }, () => {
  let dir: string;
  let proxy: ChildProcess | undefined;
  let master: ChildProcess | undefined;
  let proxyUrl: string;
  let masterUrl: string;
  let proxySteps: Step[];
  let masterSteps: Step[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsbuildout-differential-'));
    const taken = new Set<number>();
    const [p, m] = await Promise.all([
      startOn((port) => startProxy(config(dir, 'proxy', port), dir), join(dir, 'proxy.db'), 'the real proxy', taken),
      startOn((port) => startTsbuildout(config(dir, 'tsbuildout', port), dir), join(dir, 'tsbuildout.db'), 'tsbuildout master', taken),
    ]);
    ({ child: proxy, url: proxyUrl } = p);
    ({ child: master, url: masterUrl } = m);
    proxySteps = await drive(proxyUrl, join(dir, 'proxy.db'), dir);
    // tsbuildout's master lets a caller only at its own partitions: the driver is its administrator
    masterSteps = await drive(masterUrl, join(dir, 'tsbuildout.db'), dir, `admin:${readFileSync(join(dir, 'tsbuildout-admin.token'), 'utf8').trim()}`);
  });

  after(async () => {
    await Promise.all([stop(proxy), stop(master)]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers and database effects are the proxy\'s, except the listed differences', (t) => {
    assert.equal(masterSteps.length, proxySteps.length, 'the same sequence ran to its end on both');
    let identical = 0;
    let calls = 0;
    let identicalCalls = 0;
    const explained = new Map<string, string[]>();
    const unexplained: string[] = [];
    proxySteps.forEach((p, i) => {
      const m = masterSteps[i]!;
      calls += p.exchanges.length;
      identicalCalls += p.exchanges.filter((x, j) => JSON.stringify(x) === JSON.stringify(m.exchanges[j])).length;
      if (JSON.stringify(p) === JSON.stringify(m)) {
        identical++;
        return;
      }
      const d = DIFFERENCES.find((x) => x.explains(p, m));
      if (d) explained.set(d.name, [...(explained.get(d.name) ?? []), `${p.step} ${p.call}`]);
      else unexplained.push(`step ${p.step} (${p.call}):\n  proxy:      ${JSON.stringify(p).slice(0, 1500)}\n  tsbuildout: ${JSON.stringify(m).slice(0, 1500)}`);
    });
    t.diagnostic(`${proxySteps.length} steps compared (${calls} HTTP calls, ${identicalCalls} answered identically): ${identical} identical, ${proxySteps.length - identical - unexplained.length} differ as listed`);
    for (const d of DIFFERENCES) t.diagnostic(`listed: ${d.name} (${d.reason}): steps ${(explained.get(d.name) ?? []).join('; ') || 'none'}`);
    assert.deepEqual(unexplained, []);
    // every listed difference is seen, so the list stays true
    assert.deepEqual(DIFFERENCES.filter((d) => !explained.has(d.name)).map((d) => d.name), []);
    // every route of slap_tool.py, getRunId and the hateoas routes were called
    const paths = new Set(proxySteps.flatMap((s) => s.exchanges.map((x) => x.path.split('?')[0]!.replace(/^\/hateoas\/(partitions|shared|computers)\/.*/, '/hateoas/$1/<>'))));
    const routes = [
      'getComputerInformation', 'getFullComputerInformation', 'registerComputerPartition', 'setComputerPartitionConnectionXml', 'buildingSoftwareRelease',
      'destroyedSoftwareRelease', 'availableSoftwareRelease', 'softwareReleaseError', 'softwareInstanceError', 'softwareInstanceBang', 'startedComputerPartition',
      'stoppedComputerPartition', 'destroyedComputerPartition', 'useComputer', 'loadComputerConfigurationFromXML', 'supplySupply', 'requestComputerPartition',
      'softwareInstanceRename', 'getComputerPartitionStatus', 'computerBang', 'getComputerPartitionCertificate', 'getSoftwareReleaseListFromSoftwareProduct',
      'getRunId', 'hateoas/', 'hateoas/partitions/<>', 'hateoas/shared/<>', 'hateoas/computers/<>',
    ];
    assert.deepEqual(routes.filter((r) => !paths.has('/' + r)), []);
  });

  it('two trees whose children share a title get two partitions, on both masters', () => {
    const rows = (steps: Step[]) => {
      const last = [...steps].reverse().find((s) => s.call.startsWith('ComputerPartition.request: tree-b asks for its own child') && s.tables !== 'unchanged')!;
      return (last.tables as { partition17: { partition_reference: string | null; requested_by: string; reference: string; computer_reference: string }[] }).partition17
        .filter((r) => r.partition_reference === 'mariadb')
        .map((r) => `${r.computer_reference}/${r.reference} ${r.requested_by}`)
        .sort();
    };
    assert.deepEqual(rows(proxySteps), ['COMP-0/slappart1 tree-a', 'COMP-0/slappart2 tree-b']);
    assert.deepEqual(rows(masterSteps), rows(proxySteps));
  });

  it("the real proxy opens tsbuildout's database and answers from it as tsbuildout does", async () => {
    const computers = ['COMP-0', 'COMP-1'];
    const authorization = `Basic ${Buffer.from(`admin:${readFileSync(join(dir, 'tsbuildout-admin.token'), 'utf8').trim()}`).toString('base64')}`;
    const read = async (url: string) => Promise.all(computers.map(async (c) => (await fetch(`${url}/getFullComputerInformation?computer_id=${c}`, { headers: { authorization } })).text()));
    const fromMaster = await read(masterUrl);
    await stop(master);
    master = undefined;
    const port = await freePort();
    const cfg = join(dir, 'reopen.cfg');
    writeFileSync(cfg, `[slapos]\ncomputer_id = COMP-0\n[slapproxy]\nhost = 127.0.0.1\nport = ${port}\ndatabase_uri = ${join(dir, 'tsbuildout.db')}\n`);
    const reopened = startProxy(cfg, dir);
    try {
      await ready(reopened, `http://127.0.0.1:${port}`, 'the real proxy on the tsbuildout database');
      assert.deepEqual(await read(`http://127.0.0.1:${port}`), fromMaster);
    } finally {
      await stop(reopened);
    }
  });
});
