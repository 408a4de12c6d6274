// The real slapgrid (`slapos node software`, `node instance`, `node report`
// of ../shared/reference/slapos.core) with tsbuildout as its buildout:
// slapos.cfg's `buildout =` is bin/slapgrid-buildout.py. Against the real
// proxy, then against `tsbuildout master`, one node deploys
// examples/slapos-hello (its software release run for real) and the corpus's
// helloworld and mosquitto (stubbed: TSBUILDOUT_STUB_SOFTWARE=1, with the
// acceptance test's stub daemons through TSBUILDOUT_STUB_BIN, and the eggs a
// built release has for its promise plugins: the stand-in slapos.toolbox of
// fixtures/slapos/toolbox, slapos.core, xml_marshaller).
//
// As on a real node, the partitions are declared as `slapos node format`
// declares them (Computer.updateConfiguration, from slap-driver.py) and owned
// by an unprivileged user (`nobody` when the tests run as root): slapgrid
// runs every buildout and every promise as that user, with a cleaned
// environment whose HOME it does not own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { corpusRoot, repositoryRoot } from '../helpers/paths.ts';
import { fixedPortsLock, freeV6Port, get, hasSupervisord, writeStubs, type Ran } from '../helpers/node.ts';
import type { Lock } from '../../executor/lock.ts';
// the acceptance suite's stub daemons
import { STUBS } from '../helpers/acceptance.ts';
import { freePort } from '../../slapos/node/config.ts';

const root = repositoryRoot();
const shared = join(root, '..', 'shared');
const reference = join(shared, 'tools', 'slapos-reference');
const corpus = corpusRoot();
const COMPUTER = 'COMP-SLAPGRID';
const PYTHON = '/usr/bin/python3';

/** Whom the partitions and the software root belong to: `nobody` for root (slapgrid drops privileges to it), else the caller. */
function partitionOwner(): { name: string; uid: number; gid: number } {
  if (process.getuid?.() !== 0) {
    const u = userInfo();
    return { name: u.username, uid: u.uid, gid: u.gid };
  }
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  return { name: 'nobody', uid: id('-u'), gid: id('-g') };
}

function skipReason(): string | false {
  if (!existsSync(reference)) return 'no ../shared/tools/slapos-reference';
  if (!corpus) return 'no ../shared/corpus/slapos';
  if (!hasSupervisord()) return "no supervisord (Debian's supervisor)";
  if (spawnSync(reference, ['--python', '-c', 'import slapos.grid.slapgrid, flask'], { stdio: 'ignore' }).status !== 0) return "the reference slapos.core cannot run (Debian's python3-flask, python3-cliff … missing)";
  const owner = partitionOwner();
  if (owner.uid === 0 || Number.isNaN(owner.uid)) return 'no unprivileged user to own the partitions';
  // what the partitions' user must read and run: Node.js, the checkout, the shared references
  const check = spawnSync(process.execPath, ['-e', `for (const p of process.argv.slice(1)) require('fs').accessSync(p, require('fs').constants.R_OK)`, join(root, 'dist', 'cli.cjs'), join(root, 'fixtures', 'slapos', 'toolbox'), join(shared, 'reference', 'slapos.core', 'slapos', 'grid', 'promise', 'runpromises.py')], {
    uid: owner.uid,
    gid: owner.gid,
    stdio: 'ignore',
  });
  if (check.status !== 0) return `${owner.name} cannot run ${process.execPath} or read the checkout and ../shared (slapgrid runs buildout as the partition's user)`;
  return false;
}

const skip = skipReason();

/** A command's output, asynchronously (a master may answer meanwhile). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}


function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

type MasterKind = 'the real proxy' | 'tsbuildout master';

interface Release {
  title: string;
  url: string;
  /** Stubbed (TSBUILDOUT_STUB_SOFTWARE=1), or run for real. */
  stubbed: boolean;
  stubs: Record<string, string>;
  parameters: () => Promise<Record<string, string>>;
}

const RELEASES: Release[] = [
  { title: 'hello', url: join(root, 'examples', 'slapos-hello', 'software.cfg'), stubbed: false, stubs: {}, parameters: async () => ({ name: 'Slapgrid', port: String(await freeV6Port()) }) },
  { title: 'helloworld', url: join(corpus ?? '', 'software', 'helloworld', 'software.cfg'), stubbed: true, stubs: STUBS.helloworld!, parameters: async () => ({ name: 'Slapgrid' }) },
  { title: 'mqtt', url: join(corpus ?? '', 'software', 'mosquitto', 'software.cfg'), stubbed: true, stubs: STUBS.mosquitto!, parameters: async () => ({}) },
];

/** The develop eggs of a built release that its promise plugins import (slapos.toolbox, what it requires). */
function eggLinks(): Record<string, string> {
  return {
    'develop-eggs/slapos.toolbox.egg-link': `${join(root, 'fixtures', 'slapos', 'toolbox')}\n.`,
    'develop-eggs/slapos.core.egg-link': `${join(shared, 'reference', 'slapos.core')}\n.`,
    'develop-eggs/xml_marshaller.egg-link': `${join(shared, 'reference', 'pylib')}\n.`,
  };
}

/** One node: its directory, slapos.cfg, master, and the slapgrid runs. */
class Node {
  readonly owner = partitionOwner();
  readonly dir = mkdtempSync(join(tmpdir(), 'tsbuildout-slapgrid-'));
  readonly software = join(this.dir, 'software');
  readonly instance = join(this.dir, 'instance');
  readonly cfg = join(this.dir, 'slapos.cfg');
  url = '';
  private master?: ChildProcess;
  log: string[] = [];

  constructor(readonly kind: MasterKind) {
    chmodSync(this.dir, 0o755);
    mkdirSync(this.software);
    chownSync(this.software, this.owner.uid, this.owner.gid);
    mkdirSync(this.instance);
  }

  async start(partitions: number): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    writeFileSync(
      this.cfg,
      `[slapos]\ncomputer_id = ${COMPUTER}\nmaster_url = ${this.url}\nsoftware_root = ${this.software}\ninstance_root = ${this.instance}\n` +
        `buildout = ${join(root, 'bin', 'slapgrid-buildout.py')}\n` +
        `pidfile_software = ${join(this.dir, 'slapgrid-sr.pid')}\npidfile_instance = ${join(this.dir, 'slapgrid-cp.pid')}\npidfile_report = ${join(this.dir, 'slapgrid-ur.pid')}\n\n` +
        `[slapproxy]\nhost = 127.0.0.1\nport = ${port}\ndatabase_uri = ${join(this.dir, 'proxy.db')}\n`,
    );
    this.master =
      this.kind === 'the real proxy'
        ? spawn(reference, ['proxy', 'start', '--cfg', this.cfg], { stdio: 'ignore' })
        : // the real slapgrid over HTTP gives its own master URL to every partition: no partition can carry its own credentials, so access is the proxy's (README)
          spawn(process.execPath, [join(root, 'bin', 'tsbuildout.js'), 'master', '--root', join(this.dir, 'tsbuildout-master'), '--listen', `127.0.0.1:${port}`, '--computer', COMPUTER, '--partitions', '0', '--access', 'open'], { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      try {
        await fetch(`${this.url}/getComputerInformation?computer_id=${COMPUTER}`, { signal: AbortSignal.timeout(1000) });
        break;
      } catch {
        if (i > 100 || this.master.exitCode !== null) throw new Error(`${this.kind} did not start on ${this.url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (let i = 0; i < partitions; i++) {
      const p = join(this.instance, `slappart${i}`);
      mkdirSync(p);
      // slapgrid requires 0750 partitions (slapos/grid/SlapObject.py REQUIRED_COMPUTER_PARTITION_PERMISSION)
      chmodSync(p, 0o750);
      chownSync(p, this.owner.uid, this.owner.gid);
    }
    await this.driver('declare', COMPUTER, this.software, this.instance, String(partitions), this.owner.name);
  }

  /** slap-driver.py through the reference's Python. */
  async driver(...args: string[]): Promise<string> {
    const r = await run(reference, ['--python', join(root, 'fixtures', 'slapos', 'slapgrid', 'slap-driver.py'), this.url, ...args]);
    if (r.code !== 0) throw new Error(`slap-driver.py ${args.join(' ')} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** `slapos node …` of the reference; the output is kept for the assertions. */
  async slapos(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
    const r = await run(reference, ['node', ...args, '--cfg', this.cfg, '--now'], { TSBUILDOUT_NODE: process.execPath, ...env });
    this.log.push(`$ slapos node ${args.join(' ')}\n${r.stdout}${r.stderr}`);
    return r;
  }

  stubTree(release: Release): string {
    const dir = writeStubs(join(this.dir, 'stubs', release.title), { ...release.stubs, ...eggLinks() });
    spawnSync('chmod', ['-R', 'a+rX', join(this.dir, 'stubs')]);
    return dir;
  }

  releaseDir(release: Release): string {
    return join(this.software, md5(release.url));
  }

  supervisorStatus(): string {
    return spawnSync('supervisorctl', ['-c', join(this.instance, 'etc', 'supervisord.conf'), 'status'], { encoding: 'utf8' }).stdout;
  }

  async close(): Promise<void> {
    // slapgrid's supervisord (and the services it runs), then the master
    const pidfile = join(this.instance, 'var', 'run', 'supervisord.pid');
    if (existsSync(pidfile)) await stopPid(Number(readFileSync(pidfile, 'utf8').trim()));
    if (this.master?.pid) await stopPid(this.master.pid);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface PartitionInfo {
  id: string;
  state: string;
  software: string | null;
  title: string | null;
}

for (const kind of ['the real proxy', 'tsbuildout master'] as MasterKind[]) {
  describe(`the real slapgrid with tsbuildout as its buildout, against ${kind}`, { skip, timeout: 600_000 }, () => {
    let lock: Lock | undefined;
    let node: Node | undefined;
    const software = new Map<string, Ran>();
    const instance: Ran[] = [];
    let partitions: PartitionInfo[] = [];
    const partitionOf = (title: string) => partitions.find((p) => p.title === title)!;
    const parameters = new Map<string, Record<string, string>>();

    before(async () => {
      lock = await fixedPortsLock();
      node = new Node(kind);
      await node.start(RELEASES.length);
      for (const r of RELEASES) {
        parameters.set(r.title, await r.parameters());
        await node.driver('request', COMPUTER, r.url, r.title, JSON.stringify(parameters.get(r.title)));
      }
      // one run per release: each has its own stub tree; hello's software release runs for real
      for (const r of RELEASES) {
        software.set(r.title, await node.slapos(['software', '--only-sr', r.url], { TSBUILDOUT_STUB_BIN: node.stubTree(r), TSBUILDOUT_STUB_SOFTWARE: r.stubbed ? '1' : '' }));
      }
      // slapgrid checks the promises right after starting the services: a
      // service not listening yet fails the run, and the next run (a node
      // runs periodically) processes that partition again
      for (let i = 0; i < 4; i++) {
        const ran = await node.slapos(['instance']);
        instance.push(ran);
        if (ran.code === 0) break;
      }
      partitions = JSON.parse(await node.driver('partitions', COMPUTER)) as PartitionInfo[];
    });

    after(async () => {
      if (process.env.TSBUILDOUT_TEST_LOG && node) appendFileSync(process.env.TSBUILDOUT_TEST_LOG, node.log.join('\n'));
      await node?.close();
      lock?.release();
    });

    it('slapgrid bootstraps each software release with the entry file: bin/buildout names its Python and runs tsbuildout', () => {
      for (const r of RELEASES) {
        const ran = software.get(r.title)!;
        assert.equal(ran.code, 0, ran.stdout + ran.stderr);
        const dir = node!.releaseDir(r);
        const script = readFileSync(join(dir, 'bin', 'buildout'), 'utf8');
        // the interpreter slapgrid ran the entry file with: its promise runner uses it (getPythonExecutableFromSoftwarePath)
        assert.equal(script.split('\n')[0], `#!${PYTHON} -S`);
        assert.ok(script.includes(JSON.stringify(join(root, 'bin', 'tsbuildout.js')).slice(1, -1)), script);
        assert.match(ran.stdout + ran.stderr, new RegExp(`Generated script '${dir}/bin/buildout'\\.`));
        // tsbuildout ran as the software root's owner and wrote its record
        assert.equal(statSync(join(dir, '.installed.cfg')).uid, node!.owner.uid);
        assert.equal(statSync(join(dir, 'instance.cfg')).uid, node!.owner.uid);
        assert.ok(existsSync(join(dir, 'develop-eggs', 'slapos.toolbox.egg-link')));
      }
      // stubbed: only what renders the instance profile, and the stub tree
      const hw = node!.releaseDir(RELEASES[1]!);
      assert.ok(existsSync(join(hw, 'bin', 'helloweb-python')));
      assert.match(software.get('helloworld')!.stderr + software.get('helloworld')!.stdout, /Installing instance-profile\./);
      // for real: hello's one part
      assert.match(software.get('hello')!.stderr + software.get('hello')!.stdout, /Installing instance-profile\./);
    });

    it('node instance: tsbuildout runs every partition as its user; slapgrid succeeds', () => {
      const last = instance[instance.length - 1]!;
      assert.equal(last.code, 0, node!.log.join('\n'));
      assert.deepEqual(partitions.filter((p) => p.title).map((p) => p.title).sort(), ['hello', 'helloworld', 'mqtt']);
      for (const r of RELEASES) {
        const dir = join(node!.instance, partitionOf(r.title).id);
        assert.equal(statSync(join(dir, '.installed.cfg')).uid, node!.owner.uid, r.title);
        assert.match(readFileSync(join(dir, 'buildout.cfg'), 'utf8'), /^\[slap-connection\]$/m);
      }
      const all = instance.map((r) => r.stdout + r.stderr).join('\n');
      assert.match(all, /Installing hello-server\./);
      assert.match(all, /Installing helloweb-python\./);
      assert.match(all, /Installing mosquitto-service\./);
    });

    it("slapgrid's supervisord runs the services", async () => {
      const status = node!.supervisorStatus();
      const running = (title: string, service: string) => new RegExp(`^${partitionOf(title).id}:${service}-on-watch\\s+RUNNING`, 'm');
      assert.match(status, running('hello', 'hello-server'), status);
      for (const kind of ['python', 'ruby', 'go']) assert.match(status, running('helloworld', `helloweb-${kind}`), status);
      assert.match(status, running('mqtt', 'mosquitto-service'), status);
      assert.match(await get(`http://[::1]:${parameters.get('hello')!.port}/`), /<h1>Hello Slapgrid!<\/h1>/);
      assert.equal(await get('http://[::1]:7777/'), 'Hello Slapgrid!\n');
    });

    it("slapgrid runs the promise plugins with bin/buildout's interpreter; they import slapos.core through the plugins' sys.path", () => {
      const all = instance.map((r) => r.stdout + r.stderr).join('\n');
      for (const title of ['hello', 'helloworld']) {
        const id = partitionOf(title).id;
        assert.match(all, new RegExp(`Switching to ${id}'s python at ${PYTHON}$`, 'm'));
        const results = join(node!.instance, id, '.slapgrid', 'promise', 'result');
        const files = readdirSync(results).filter((f) => f.endsWith('.status.json'));
        assert.ok(files.length, `${title}: no promise result`);
        for (const f of files) {
          const r = JSON.parse(readFileSync(join(results, f), 'utf8')) as { result: { failed: boolean; message: string } };
          assert.equal(r.result.failed, false, `${title} ${f}: ${r.result.message}`);
        }
      }
      assert.match(all, /'http:\/\/\[::1\]:\d+\/' is available/);
      assert.match(all, /socket connection OK \('::1', 7777/);
      // mosquitto has legacy promises only: slapgrid runs them itself
      assert.match(all, /Checking promise mosquitto-listen-promise-ipv4/);
    });

    it('the connection parameters are published (read back with slapos.slap)', async () => {
      const read = async (r: Release) => JSON.parse(await node!.driver('connection', r.url, r.title)) as Record<string, string>;
      const hello = await read(RELEASES[0]!);
      assert.deepEqual(JSON.parse(hello._!), { name: 'Slapgrid', url: `http://[::1]:${parameters.get('hello')!.port}/` });
      assert.deepEqual(await read(RELEASES[1]!), { name: 'Hello Slapgrid!', 'url.go': 'http://[::1]:7779', 'url.python': 'http://[::1]:7777', 'url.ruby': 'http://[::1]:7778' });
      const mqtt = await read(RELEASES[2]!);
      assert.equal(mqtt.username, 'mosquitto');
      assert.equal(mqtt['ipv6-url'], 'mqtt://::1:1883');
      assert.equal(mqtt['ipv4-url'], `mqtt://127.0.1.${Number(partitionOf('mqtt').id.slice(8)) + 1}:1883`);
    });

    it('node report destroys what was requested destroyed and frees the partitions', async () => {
      for (const r of RELEASES) await node!.driver('destroy', r.url, r.title);
      const report = await node!.slapos(['report']);
      assert.equal(report.code, 0, report.stdout + report.stderr);
      for (const r of RELEASES) assert.match(report.stdout + report.stderr, new RegExp(`Destroying Computer Partition ${partitionOf(r.title).id}\\.\\.\\.`));
      const after = JSON.parse(await node!.driver('partitions', COMPUTER)) as PartitionInfo[];
      assert.deepEqual(
        after.map((p) => [p.id, p.software]),
        partitions.map((p) => [p.id, null]),
      );
      for (const p of partitions) assert.deepEqual(readdirSync(join(node!.instance, p.id)), [], p.id);
      assert.doesNotMatch(node!.supervisorStatus(), /slappart\d+:/);
    });
  });
}
