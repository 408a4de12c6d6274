// examples/slapos-hello under the real slapgrid with tsbuildout as its
// buildout (`slapos node instance` of the reference slapos.core,
// slapos.cfg's `buildout =` bin/slapgrid-buildout.py, the real proxy as
// master), beside `tsbuildout node instance` on the same release: the first
// run (buildout installs every part, supervisord starts the server, the
// promise runs, the connection parameters are published) and a run with the
// partition up to date; then, in the installed slapgrid partition, a no-op
// run of its bin/buildout as slapgrid launches it (Python, which execs
// tsbuildout) beside tsbuildout run directly: the cost of the wrapper.
// Whole commands, wall time; the partitions belong to `nobody` when run as
// root, as on a node.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { median, table } from './lib/stats.ts';

const COMPUTER = 'COMP-BENCH';

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function timed(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}): { ms: number; code: number; output: string } {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', ...opts, env: { ...process.env, ...opts.env } });
  return { ms: performance.now() - t0, code: r.status ?? -1, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

function must(r: { code: number; output: string }, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.output}`);
}

async function stopPid(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}

function owner(): { name: string; uid: number; gid: number } {
  if (process.getuid?.() !== 0) {
    const u = userInfo();
    return { name: u.username, uid: u.uid, gid: u.gid };
  }
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  return { name: 'nobody', uid: id('-u'), gid: id('-g') };
}

interface Figures {
  /** slapgrid only: `slapos node instance --help`, its own start-up. */
  startup?: number;
  first: number;
  firstOk: boolean;
  upToDate: number;
  /** slapgrid only: bin/buildout -U, and tsbuildout -U directly, in the partition. */
  wrapper?: number;
  direct?: number;
}

/** One node of the real slapgrid with the real proxy: the release installed, one instance requested; the instance runs timed. */
async function slapgridOnce(root: string, reference: string): Promise<Figures> {
  const user = owner();
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-slapgrid-'));
  chmodSync(dir, 0o755);
  const software = join(dir, 'software');
  const instance = join(dir, 'instance');
  const partition = join(instance, 'slappart0');
  mkdirSync(software);
  chownSync(software, user.uid, user.gid);
  mkdirSync(partition, { recursive: true });
  chmodSync(partition, 0o750);
  chownSync(partition, user.uid, user.gid);
  const port = await freePort('127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const cfg = join(dir, 'slapos.cfg');
  writeFileSync(
    cfg,
    `[slapos]\ncomputer_id = ${COMPUTER}\nmaster_url = ${url}\nsoftware_root = ${software}\ninstance_root = ${instance}\nbuildout = ${join(root, 'bin', 'slapgrid-buildout.py')}\n` +
      `pidfile_software = ${join(dir, 'sr.pid')}\npidfile_instance = ${join(dir, 'cp.pid')}\npidfile_report = ${join(dir, 'ur.pid')}\n\n` +
      `[slapproxy]\nhost = 127.0.0.1\nport = ${port}\ndatabase_uri = ${join(dir, 'proxy.db')}\n`,
  );
  // the eggs slapos-hello's promise plugin imports, as a built release has them
  const stubs = join(dir, 'stubs', 'develop-eggs');
  mkdirSync(stubs, { recursive: true });
  const shared = join(root, '..', 'shared', 'reference');
  writeFileSync(join(stubs, 'slapos.toolbox.egg-link'), `${join(root, 'fixtures', 'slapos', 'toolbox')}\n.`);
  writeFileSync(join(stubs, 'slapos.core.egg-link'), `${join(shared, 'slapos.core')}\n.`);
  writeFileSync(join(stubs, 'xml_marshaller.egg-link'), `${join(shared, 'pylib')}\n.`);
  spawnSync('chmod', ['-R', 'a+rX', join(dir, 'stubs')]);
  const proxy = spawn(reference, ['proxy', 'start', '--cfg', cfg], { stdio: 'ignore' });
  const env = { TSBUILDOUT_NODE: process.execPath, TSBUILDOUT_STUB_BIN: join(dir, 'stubs') };
  const slapos = (args: string[]) => timed(reference, ['node', ...args, '--cfg', cfg, '--now'], { env });
  try {
    for (let i = 0; ; i++) {
      try {
        await fetch(`${url}/getComputerInformation?computer_id=${COMPUTER}`, { signal: AbortSignal.timeout(1000) });
        break;
      } catch {
        if (i > 100) throw new Error('the proxy did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const driver = (...args: string[]) => must(timed(reference, ['--python', join(root, 'fixtures', 'slapos', 'slapgrid', 'slap-driver.py'), url, ...args]), `slap-driver.py ${args[0]}`);
    const release = join(root, 'examples', 'slapos-hello', 'software.cfg');
    driver('declare', COMPUTER, software, instance, '1', user.name);
    driver('request', COMPUTER, release, 'hello', JSON.stringify({ port: String(await freePort('::1')) }));
    must(slapos(['software']), 'slapos node software');
    const startup = timed(reference, ['node', 'instance', '--help']).ms;
    const first = slapos(['instance']);
    // a promise checked before the server listened fails the run: the next run processes the partition again
    for (let i = 0, r = first; r.code !== 0 && i < 3; i++) r = slapos(['instance']);
    const upToDate = slapos(['instance']);
    must(upToDate, 'slapos node instance (up to date)');
    // what slapgrid launches in the partition: the release's bin/buildout -U, as the partition's user
    const script = join(software, createHash('md5').update(release).digest('hex'), 'bin', 'buildout');
    const [python, ...flags] = readFileSync(script, 'utf8').split('\n')[0]!.slice(2).split(/\s+/);
    const as = { cwd: partition, env: { HOME: partition }, uid: user.uid, gid: user.gid };
    const wrapper = timed(python!, [...flags, script, '-U'], as);
    must(wrapper, 'bin/buildout -U');
    const direct = timed(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '--python', python!, '-U'], as);
    must(direct, 'tsbuildout -U');
    return { startup, first: first.ms, firstOk: first.code === 0, upToDate: upToDate.ms, wrapper: wrapper.ms, direct: direct.ms };
  } finally {
    const pidfile = join(instance, 'var', 'run', 'supervisord.pid');
    if (existsSync(pidfile)) await stopPid(Number(readFileSync(pidfile, 'utf8').trim()));
    if (proxy.pid) await stopPid(proxy.pid);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** tsbuildout's own node on the same release: first run, up to date. */
async function tsbuildoutOnce(root: string): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-slapgrid-'));
  const node = join(dir, 'node');
  const cli = (args: string[]) => timed(process.execPath, [join(root, 'bin', 'tsbuildout.js'), ...args, '--root', node], { cwd: dir });
  try {
    const release = join(root, 'examples', 'slapos-hello', 'software.cfg');
    must(cli(['-q', 'node', 'software', release]), 'tsbuildout node software');
    must(cli(['request', 'hello', release, '--parameters', JSON.stringify({ port: String(await freePort('::1')) })]), 'tsbuildout request');
    const startup = timed(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '--version']).ms;
    const first = cli(['node', 'instance']);
    const upToDate = cli(['node', 'instance']);
    must(upToDate, 'tsbuildout node instance (up to date)');
    return { startup, first: first.ms, firstOk: first.code === 0, upToDate: upToDate.ms };
  } finally {
    timed(process.execPath, [join(root, 'bin', 'tsbuildout.js'), 'node', 'stop', '--root', node]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function slapgridBench(root: string, runs: number): Promise<string> {
  const reference = join(root, '..', 'shared', 'tools', 'slapos-reference');
  if (!existsSync(reference)) return '\n(no ../shared/tools/slapos-reference: slapgrid benchmark skipped)';
  if (spawnSync('supervisord', ['--version']).status !== 0) return "\n(no supervisord, Debian's supervisor: slapgrid benchmark skipped)";
  if (spawnSync(reference, ['--python', '-c', 'import slapos.grid.slapgrid, flask'], { stdio: 'ignore' }).status !== 0) return '\n(the reference slapos.core cannot run here: slapgrid benchmark skipped)';
  const real: Figures[] = [];
  const own: Figures[] = [];
  for (let i = 0; i < runs; i++) {
    real.push(await slapgridOnce(root, reference));
    own.push(await tsbuildoutOnce(root));
  }
  const m = (xs: Figures[], k: 'startup' | 'first' | 'upToDate' | 'wrapper' | 'direct') => median(xs.map((x) => x[k]!)).toFixed(0);
  const retried = real.filter((x) => !x.firstOk).length;
  return (
    `\nexamples/slapos-hello: the real slapgrid (real proxy) with tsbuildout as its buildout, beside tsbuildout's node; whole commands\n` +
    table(
      ['step', `slapos node instance, ms (median of ${runs})`, `tsbuildout node instance, ms (median of ${runs})`],
      [
        ['first run (buildout, services, promise, publish)', m(real, 'first'), m(own, 'first')],
        ['partition up to date (slapgrid checks its promises again, tsbuildout skips it)', m(real, 'upToDate'), m(own, 'upToDate')],
        ['start-up alone (slapos node instance --help / tsbuildout --version)', m(real, 'startup'), m(own, 'startup')],
      ],
    ) +
    `\n\nIn the slapgrid partition, installed: a no-op buildout as the partition's user\n` +
    table(
      ['command', `ms (median of ${runs})`],
      [
        ['bin/buildout -U (as slapgrid launches it: Python execs tsbuildout)', m(real, 'wrapper')],
        ['tsbuildout -U', m(real, 'direct')],
      ],
    ) +
    (retried ? `\n(${retried} of ${runs} first slapgrid runs failed their promise before the server listened and were run again, untimed)` : '')
  );
}
