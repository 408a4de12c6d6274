// tsbuildout's node against the real `slapos proxy`
// (../shared/tools/slapos-reference proxy start), with only the README's
// commands (`request`, `node`, `node software` for the stubbed acceptance
// releases, `show`, `node status`, `node stop`): examples/slapos-hello, a
// tree (fixtures/slapos/tree: a root requesting a child that runs a
// service) and the five acceptance releases (test/helpers/acceptance.ts)
// deploy and publish — read back with the reference `slapos request` —,
// a bang reprocesses the whole tree, and once requested destroyed every
// partition is freed in the proxy's view (getFullComputerInformation and
// its database). Twice: over HTTP with --master-url, and over HTTPS with a
// node configured by slapos.cfg (--cfg) whose master is a TLS front
// requiring the node's client certificate (openssl makes a CA, the
// front's certificate and the node's), the partitions' recipes reaching
// the proxy through the front too, with the partition certificates the
// node writes; as root, the partitions then belong to partition users
// (user_base_name) created for the test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { jsonDumps, jsonLoads } from '../../python/json.ts';
import { parseLiteral } from '../../python/literal.ts';
import { PyList } from '../../python/value.ts';
import { HttpMaster } from '../../slap/client.ts';
import { pyToJs, type SlapObject } from '../../slap/marshal.ts';
import type { Lock } from '../../executor/lock.ts';
import { serialisationOf } from '../../cli/commands/request.ts';
import { ASSIGNMENTS, checkConnection, corpus, INSTANCES, sr, STUBS } from '../helpers/acceptance.ts';
import { cli, fixedPortsLock, freeV6Port, get, hasSupervisord, type Ran, type Status, writeStubs } from '../helpers/node.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { hasSlaposReference, type Proxy, slaposRequest, startProxy } from '../helpers/proxy.ts';
import { hasOpenssl, makeCertificates, startTlsFront, type TlsFront } from '../helpers/tls.ts';

const skip = !hasSlaposReference() ? 'no ../shared/tools/slapos-reference' : !corpus ? 'no ../shared/corpus/slapos' : !hasSupervisord() ? "no supervisord (Debian's supervisor)" : false;
const HELLO = join(repositoryRoot(), 'examples', 'slapos-hello', 'software.cfg');
const TREE = join(repositoryRoot(), 'fixtures', 'slapos', 'tree', 'software.cfg');

/** What a run needs to know of its node, master and client. */
interface Setup {
  /** The arguments naming the node (--root DIR, or --cfg FILE). */
  node: string[];
  /** Given to the first request only (--master-url URL, kept by the node). */
  first: string[];
  /** The reference client's configuration. */
  client: string;
  proxy: Proxy;
  front?: TlsFront;
  /** Where the partitions are. */
  instanceRoot: string;
  /** The environment of the commands. */
  env?: NodeJS.ProcessEnv;
  /** What this transport and configuration must show, after the first deployment (the first request's output given). */
  check(firstRequest: Ran): Promise<void>;
  close(): Promise<void>;
}

/** A new directory. */
function dir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

/** The [slap-connection] of a partition's buildout.cfg. */
function slapConnection(instanceRoot: string, partition: string): Record<string, string> {
  const text = readFileSync(join(instanceRoot, partition, 'buildout.cfg'), 'utf8');
  const section = /\n\[slap-connection\]\n([\s\S]*?)\n\[/.exec(text)![1]!;
  return Object.fromEntries(section.split('\n').filter((l) => /^\S+ = /.test(l)).map((l) => l.split(' = ') as [string, string]));
}

/** Every instance of a run: title, software release, parameters (JSON). */
function instances(helloPort: number): [string, string, string | undefined][] {
  return [
    ['hello-example', HELLO, `{"name": "Proxy", "port": "${helloPort}"}`],
    ['tree', TREE, '{"greeting": "hi"}'],
    ...INSTANCES.map(([title, software, parameters]): [string, string, string | undefined] => [title, sr(software), parameters]),
  ];
}

/** The connection parameters `slapos request` printed (its pprint of a dict). */
function printedConnection(output: string): Record<string, unknown> {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.endsWith('Connection parameters of instance are:'));
  assert.ok(start >= 0, output);
  const text: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/ INFO You can rerun the command/.test(line)) break;
    text.push(text.length ? line : line.replace(/^\S+ \S+ slapos\[\d+\] INFO /, ''));
  }
  return pyToJs(parseLiteral(text.join('\n'))) as Record<string, unknown>;
}

/** A JSON-in-XML dict decoded, as `slapos request` prints it. */
const decoded = (c: Record<string, string>): Record<string, unknown> => (Object.keys(c).length === 1 && typeof c._ === 'string' ? (JSON.parse(c._) as Record<string, unknown>) : c);

/** The proxy's partitions, from its database. */
function proxyPartitions(proxy: Proxy): { reference: string; slap_state: string; software_release: string | null; partition_reference: string | null; requested_by: string }[] {
  const db = new Database(proxy.database, { readonly: true });
  try {
    return db.prepare('SELECT reference, slap_state, software_release, partition_reference, requested_by FROM partition17 WHERE computer_reference = ? ORDER BY reference').all(proxy.computer) as ReturnType<typeof proxyPartitions>;
  } finally {
    db.close();
  }
}

/** Partition users <base>0…n-1 (as slapos node format creates them), made when missing; removed after. */
function partitionUsers(base: string, n: number): { made: string[]; remove(): void } {
  const made: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${base}${i}`;
    if (spawnSync('getent', ['passwd', name]).status === 0) continue;
    const r = spawnSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`useradd ${name}: ${r.stderr}`);
    made.push(name);
  }
  return { made, remove: () => made.forEach((name) => spawnSync('userdel', [name])) };
}

function scenario(title: string, runSkip: string | false, makeSetup: (root: string) => Promise<Setup>): void {
  describe(title, { skip: runSkip, timeout: 900_000 }, () => {
    let lock: Lock | undefined;
    let root = '';
    let setup: Setup | undefined;
    let helloPort = 0;
    let first: Ran = { code: -1, stdout: '', stderr: '' };
    let firstRequest: Ran = { code: -1, stdout: '', stderr: '' };
    const tsb = (args: string[]) => cli([...args, ...setup!.node], setup!.env);
    const okArgs = async (args: string[]) => {
      const r = await cli(args, setup!.env);
      assert.equal(r.code, 0, `tsbuildout ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    const okRun = async (args: string[]) => {
      const r = await tsb(args);
      assert.equal(r.code, 0, `tsbuildout ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    const statuses = async () => JSON.parse((await okRun(['--json', 'node', 'status'])).stdout) as Status[];
    const showJson = async (name: string) => JSON.parse((await okRun(['--json', 'show', name])).stdout) as Record<string, unknown> & { connection: Record<string, string> };

    before(async () => {
      lock = await fixedPortsLock();
      root = mkdtempSync(join(tmpdir(), 'tsbuildout-real-proxy-'));
      setup = await makeSetup(root);
      helloPort = await freeV6Port();
      const all = instances(helloPort);
      const request = (t: string, software: string, parameters: string | undefined, extra: string[] = []) => okArgs(['request', t, software, ...(parameters ? ['--parameters', parameters] : []), ...setup!.node, ...extra]);
      firstRequest = await request(all[0]![0], all[0]![1], all[0]![2], setup.first);
      await request(all[1]![0], all[1]![1], all[1]![2]);
      for (const [t, software, parameters] of INSTANCES) {
        const stubs = writeStubs(join(root, 'stubs', software), STUBS[software]!);
        await okArgs(['node', 'software', sr(software), '--stub-software', '--stub-bin', stubs, ...setup.node, ...(ASSIGNMENTS[software] ?? [])]);
        await request(t, sr(software), parameters);
      }
      first = await tsb(['node']);
    });

    after(async () => {
      if (setup) {
        await tsb(['node', 'stop']);
        await setup.close();
      }
      if (root) rmSync(root, { recursive: true, force: true });
      lock?.release();
    });

    it('request declared the computer and supplied the release; node installed it and deployed every instance', async () => {
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /^Installing software release .*examples\/slapos-hello\/software\.cfg\.$/m);
      const states = await statuses();
      assert.deepEqual(states.map((s) => s.title).sort(), ['ca', 'coupler', 'hello', 'hello-example', 'mqtt', 'site', 'tree', 'tree child']);
      for (const s of states) assert.equal(s.state, 'started', s.title);
      const services = (t: string) => states.find((s) => s.title === t)!.services.map((x) => [x.name, x.state]);
      assert.deepEqual(services('hello-example'), [['hello-server-on-watch', 'RUNNING']]);
      assert.deepEqual(services('tree child'), [['sleeper-on-watch', 'RUNNING']]);
      assert.deepEqual(services('hello'), [['helloweb-go-on-watch', 'RUNNING'], ['helloweb-python-on-watch', 'RUNNING'], ['helloweb-ruby-on-watch', 'RUNNING']]);
      for (const s of states) for (const [name, p] of Object.entries(s.promises)) assert.equal(p.failed, false, `${s.title}: ${name}: ${p.message}`);
      assert.match(await get(`http://[::1]:${helloPort}/`), /<h1>Hello Proxy!<\/h1>/);
      assert.equal(await get('http://[::1]:7777/'), 'Hello Acceptance!\n');
      // the proxy's view: the tree's child requested by its root (identity by title and root)
      const rows = proxyPartitions(setup!.proxy);
      assert.equal(rows.filter((r) => r.slap_state === 'busy').length, 8);
      assert.equal(rows.find((r) => r.partition_reference === 'tree child')!.requested_by, 'tree');
    });

    it('the master, the partitions and their recipes as configured', async () => {
      assert.match(firstRequest.stdout, /^Declared computer \S+ \(10 partitions\) to the master at /m);
      await setup!.check(firstRequest);
    });

    it('the connection parameters, read back with the reference `slapos request`, are those published', async () => {
      const all = instances(helloPort);
      const read = await Promise.all(
        all.map(async ([t, software, parameters]) => {
          // the same parameters as requested, so the request changes nothing
          const json = serialisationOf(software, 'default') === 'json-in-xml';
          const file = join(root, `${t}.parameters.json`);
          const given = jsonLoads(parameters ?? '{}');
          writeFileSync(file, json ? JSON.stringify({ _: jsonDumps(given) }) : (parameters ?? '{}'));
          const r = await slaposRequest(setup!.client, [t, software, '--parameters-file', file, '--force-serialisation', json ? 'json-in-xml' : 'xml']);
          assert.equal(r.code, 0, r.output);
          return [t, printedConnection(r.output)] as const;
        }),
      );
      const byTitle = Object.fromEntries(read);
      assert.deepEqual(byTitle['hello-example'], { name: 'Proxy', url: `http://[::1]:${helloPort}/` });
      assert.deepEqual(byTitle.tree, { 'child-answer': 'hi from tree child (root: tree)' });
      for (const [t] of INSTANCES) {
        // `slapos request` prints JSON-in-XML decoded
        const c = byTitle[t] as Record<string, string>;
        checkConnection(t, t === 'ca' ? { _: jsonDumps(jsonLoads(JSON.stringify(c))) } : c);
      }
      // nothing changed: every partition is up to date
      assert.equal((await okRun(['node', 'instance'])).stdout.trim(), 'Every partition is up to date.');
    });

    it('show reads each instance tree through the hateoas API', async () => {
      const info = await showJson('hello-example');
      assert.equal(info['software-release'], HELLO);
      assert.equal(info['software-type'], 'default');
      assert.equal(info['requested-state'], 'started');
      assert.deepEqual(decoded(info.connection), { name: 'Proxy', url: `http://[::1]:${helloPort}/` });
      for (const [t] of INSTANCES) checkConnection(t, (await showJson(t)).connection);
      const text = (await okRun(['show', 'tree'])).stdout;
      assert.match(text, /connection parameters:\n {2}child-answer = hi from tree child \(root: tree\)\n/);
      // a child is not an instance tree
      assert.equal((await tsb(['show', 'tree child'])).code, 1);
    });

    it('a service that dies: the watchdog bangs, the whole tree is reprocessed', async () => {
      const child = (await statuses()).find((s) => s.title === 'tree child')!;
      const bangFile = join(setup!.instanceRoot, child.partition, '.slapos_latest_bang_timestamp');
      process.kill(child.services[0]!.pid, 'SIGKILL');
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          statSync(bangFile);
          break;
        } catch {
          if (Date.now() > deadline) throw new Error('no bang');
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const run = await okRun(['node', 'instance']);
      const processed = [...run.stdout.matchAll(/^Processing partition \S+ \(([^,]+), started\)\.$/gm)].map((m) => m[1]);
      assert.deepEqual(processed.sort(), ['tree', 'tree child'], run.stdout);
      assert.equal((await statuses()).find((s) => s.title === 'tree child')!.services[0]!.state, 'RUNNING');
    });

    it('requested destroyed: every partition stopped, emptied and freed (the tree root once its child is)', async () => {
      for (const [t, software, parameters] of instances(helloPort)) await okArgs(['request', t, software, '--state', 'destroyed', ...(parameters ? ['--parameters', parameters] : []), ...setup!.node]);
      const run = await okRun(['node']);
      assert.match(run.stdout, /is not freed yet: Not destroying yet because this partition has child partitions: tree child\n/);
      assert.match(run.stdout, /\(tree\): destroyed\n/);
      assert.match(run.stdout, /\(tree child\): destroyed\n/);
      const computer = await new HttpMaster(setup!.proxy.url).computerInformation(setup!.proxy.computer);
      const list = (computer.attr('_computer_partition_list') as PyList).items as SlapObject[];
      assert.equal(list.length, 10);
      for (const cp of list) assert.equal(cp.attr('_software_release_document'), null, String(cp.attr('_partition_id')));
      assert.deepEqual(
        proxyPartitions(setup!.proxy).map((r) => [r.slap_state, r.software_release, r.partition_reference]),
        Array.from({ length: 10 }, () => ['free', null, null]),
      );
      assert.equal((await okRun(['node', 'status'])).stdout.trim(), 'No partition is in use.');
      assert.match(await get(`http://[::1]:${helloPort}/`), /^ERROR/);
      assert.equal((await okRun(['node', 'instance'])).stdout.trim(), 'Every partition is up to date.');
    });
  });
}

scenario('the node against the real proxy over HTTP (--master-url)', skip, async (root) => {
  const proxy = await startProxy(dir(join(root, 'proxy')), 'local');
  const client = join(root, 'client.cfg');
  writeFileSync(client, `[slapos]\nmaster_url = ${proxy.url}\n`);
  const instanceRoot = join(root, 'node', 'instance');
  return {
    node: ['--root', join(root, 'node')],
    first: ['--master-url', proxy.url],
    client,
    proxy,
    instanceRoot,
    check: async () => {
      // the recipes talk to the proxy itself, without certificates
      assert.deepEqual(slapConnection(instanceRoot, 'slappart0'), { 'computer-id': 'local', 'partition-id': 'slappart0', 'server-url': proxy.url, 'software-release-url': HELLO, 'key-file': '', 'cert-file': '', 'requested-state': 'started' });
    },
    close: () => proxy.stop(),
  };
});

scenario('the node against the real proxy over HTTPS behind a TLS front (--cfg slapos.cfg)', skip || (hasOpenssl() ? false : 'no openssl'), async (root) => {
  const computer = 'COMP-tsbuildout';
  const proxy = await startProxy(dir(join(root, 'proxy')), computer);
  const certs = makeCertificates(dir(join(root, 'pki')));
  const front = await startTlsFront(certs, proxy.url);
  const users = process.getuid?.() === 0 ? partitionUsers('tsbslapuser', 10) : undefined;
  // what the partitions run must not live in root's home (a python3 of ~/.pyenv, say): not on their PATH
  const env = users ? { PATH: (process.env.PATH ?? '').split(':').filter((d) => !d.startsWith(homedir())).join(':') } : {};
  // the partition users reach their partitions and the software releases (mkdtemp made it 0700)
  chmodSync(root, 0o755);
  const repository = dir(join(root, 'partition_pki'));
  const instanceRoot = join(root, 'srv', 'instance');
  const cfg = join(root, 'slapos.cfg');
  writeFileSync(
    cfg,
    `[slapos]
computer_id = ${computer}
master_url = ${front.url}
software_root = ${join(root, 'srv', 'software')}
instance_root = ${instanceRoot}
key_file = ${certs.client.key}
cert_file = ${certs.client.cert}
master_ca_file = ${certs.ca.cert}
certificate_repository_path = ${repository}
buildout = /opt/slapos/bin/buildout

[slapformat]
interface_name = lo
create_tap = false
partition_amount = 10
partition_base_name = slappart
user_base_name = tsbslapuser

[networkcache]
download-cache-url = http://shacache.example
`,
  );
  const client = join(root, 'client.cfg');
  writeFileSync(client, `[slapos]\nmaster_url = ${front.url}\n\n[slapconsole]\ncert_file = ${certs.client.cert}\nkey_file = ${certs.client.key}\n`);
  return {
    node: ['--cfg', cfg],
    first: [],
    client,
    proxy,
    front,
    instanceRoot,
    env,
    check: async (firstRequest) => {
      // what slapos.cfg sets that tsbuildout does not use, named once
      assert.equal(firstRequest.stderr, `${cfg}: not used by tsbuildout: [slapos] buildout; [slapformat] interface_name, create_tap; [networkcache]\n`);
      // the partitions' recipes reach the master through the front, with the partition's certificate
      const tail = slapConnection(instanceRoot, 'slappart0');
      assert.equal(tail['server-url'], front.url);
      assert.equal(tail['key-file'], join(repository, 'slappart0.key'));
      assert.equal(tail['cert-file'], join(repository, 'slappart0.crt'));
      // the proxy gives no partition certificate: the node's own
      assert.equal(readFileSync(tail['cert-file']!, 'utf8'), readFileSync(certs.client.cert, 'utf8'));
      assert.equal(statSync(tail['key-file']!).mode & 0o777, 0o400);
      assert.ok(front.served > 50, `${front.served} requests through the front`);
      // a client without the certificate is turned away
      assert.equal((await cli(['show', 'hello-example', '--master-url', front.url, '--root', join(root, 'elsewhere')])).code, 1);
      if (users) {
        // as root: each partition belongs to its user, and so do its files and services
        const owner = (p: string) => statSync(p).uid;
        const uid = Number(spawnSync('id', ['-u', 'tsbslapuser0'], { encoding: 'utf8' }).stdout);
        assert.equal(owner(join(instanceRoot, 'slappart0')), uid);
        assert.equal(owner(join(instanceRoot, 'slappart0', '.installed.cfg')), uid);
        assert.equal(owner(tail['key-file']!), uid);
        const status = JSON.parse((await cli(['--json', 'node', 'status', '--cfg', cfg], env)).stdout) as Status[];
        const pid = status.find((x) => x.partition === 'slappart0')!.services[0]!.pid;
        assert.equal(Number(spawnSync('ps', ['-o', 'uid=', '-p', String(pid)], { encoding: 'utf8' }).stdout), uid);
      }
    },
    close: async () => {
      await front.close();
      await proxy.stop();
      users?.remove();
    },
  };
});
