// What every installed copy of tsbuildout does (a clone, the npm package
// installed in a directory and globally, the Debian package), run from a
// directory outside the repository as its users run it: --version, the README's
// example, lint and resolve of a profile of its own, slapgrid's entry file
// (bootstrap, then bin/buildout), and a SlapOS node (master, request, node)
// on examples/slapos-hello. Only the examples come from the repository,
// copied out first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../version.ts';
import { adminUrl, freeV6Port, get, servedAt, type Ran } from '../helpers/node.ts';
import { repositoryRoot } from '../helpers/paths.ts';

export interface Installed {
  /** how its users start it (`npx tsbuildout`, `tsbuildout` on PATH): --version and the README's example */
  command: string[];
  /** the executable the installation made (node_modules/.bin/tsbuildout…): the other checks, without npx's second or so per call */
  bin: string;
  /** the installed package (bin/, dist/) */
  packageDir: string;
  /** a directory outside the repository for the commands' files */
  work: string;
  env?: NodeJS.ProcessEnv;
}

function start(i: Installed, command: string[], args: string[], cwd: string) {
  // a process group of its own, stopped as one
  return spawn(command[0]!, [...command.slice(1), ...args], { cwd, env: { ...process.env, ...i.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function tsbuildout(i: Installed, args: string[], cwd = i.work, command = [i.bin]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = start(i, command, args, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function ok(i: Installed, args: string[], cwd = i.work, command = [i.bin]): Promise<Ran> {
  const r = await tsbuildout(i, args, cwd, command);
  assert.equal(r.code, 0, `${command.join(' ')} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

const BASE = '[buildout]\nparts = greeting\n\n[settings]\nname = world\n';
const PROFILE = '[buildout]\nextends = base.cfg\n\n[settings]\nname += again\n\n[greeting]\nrecipe = slapos.recipe.template\ninline = Hello ${settings:name}\noutput = ${buildout:directory}/greeting.txt\n';

/** A profile of the tests' own (an extends, `+=`, a reference, a template part) in a new directory `name` of the work directory. */
function ownProfile(i: Installed, name: string): string {
  const dir = join(i.work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'base.cfg'), BASE);
  writeFileSync(join(dir, 'buildout.cfg'), PROFILE);
  return dir;
}

export type Check = 'version' | 'example' | 'lint' | 'slapgrid' | 'node';

/**
 * The checks (all, or those named), as tests of the enclosing suite;
 * `installed` is called once the suite's `before` has installed the copy.
 */
export function installedCommands(installed: () => Installed, checks: Check[] = ['version', 'example', 'lint', 'slapgrid', 'node']): void {
  const it = (name: string, check: Check, f: () => Promise<void>) => (checks.includes(check) ? test(name, f) : undefined);
  it('--version', 'version', async () => {
    const i = installed();
    assert.equal((await ok(i, ['--version'], i.work, i.command)).stdout, `tsbuildout ${VERSION}\n`);
  });

  it("the README's example: installs, then updates", 'example', async () => {
    const i = installed();
    const dir = join(i.work, 'examples', 'hello');
    mkdirSync(dir, { recursive: true });
    // (a clone has them in place)
    for (const f of ['base.cfg', 'buildout.cfg']) if (!existsSync(join(dir, f))) cpSync(join(repositoryRoot(), 'examples', 'hello', f), join(dir, f));
    const first = await ok(i, ['-c', 'examples/hello/buildout.cfg'], i.work, i.command);
    assert.match(first.stdout, /^Installing directory\.\nInstalling hello-wrapper\.\nInstalling publish\.\n/m);
    assert.ok(readFileSync(join(dir, 'etc', 'service', 'hello'), 'utf8').includes(`exec ${dir}/software/bin/hello \\\n\t--name world --port 8080 "$@"\n`));
    const published = JSON.parse(readFileSync(join(dir, '.published-parameters.json'), 'utf8')) as Record<string, { parameters: unknown }>;
    assert.deepEqual(published.publish!.parameters, { url: 'http://[::1]:8080/' });
    assert.match((await ok(i, ['-c', 'examples/hello/buildout.cfg'], i.work, i.command)).stdout, /^Updating directory\.\nUpdating hello-wrapper\.\nUpdating publish\.\n/m);
  });

  it('lint and resolve a profile of its own; a located finding', 'lint', async () => {
    const i = installed();
    const dir = ownProfile(i, 'own');
    writeFileSync(join(dir, 'broken.cfg'), PROFILE.replace('${settings:name}', '${setting:name}'));
    assert.match((await ok(i, ['lint', 'buildout.cfg'], dir)).stdout, /0 findings \(0 errors, 0 warnings, 0 info\) in 1 profile/);
    const broken = await tsbuildout(i, ['lint', 'broken.cfg'], dir);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /broken\.cfg\n {2}9:16 +error +The referenced section, 'setting', was not defined/);
    const resolved = JSON.parse((await ok(i, ['-c', 'own/buildout.cfg', 'resolve', '--json'])).stdout) as { parts: string[]; sections: Record<string, Record<string, string>> };
    assert.deepEqual(resolved.parts, ['greeting']);
    assert.equal(resolved.sections.greeting!.inline, 'Hello world\nagain');
    assert.equal(resolved.sections.buildout!.directory, dir);
  });

  it("slapgrid's entry file: bootstrap writes bin/buildout running this copy, which installs the profile", 'slapgrid', async () => {
    const i = installed();
    const dir = ownProfile(i, 'slapgrid');
    const entry = join(i.packageDir, 'bin', 'slapgrid-buildout.py');
    const boot = await ok(i, ['bootstrap'], dir, ['/usr/bin/python3', '-S', entry]);
    assert.match(boot.stdout, /Generated script '.*\/bin\/buildout'\./);
    const script = readFileSync(join(dir, 'bin', 'buildout'), 'utf8');
    assert.ok(script.includes(`tsbuildout = '${join(realpathSync(i.packageDir), 'bin', 'tsbuildout.js')}'`), script);
    assert.ok(script.startsWith('#!/usr/bin/python3 -S\n'), script);
    await ok(i, ['-U'], dir, [join(dir, 'bin', 'buildout')]);
    assert.equal(readFileSync(join(dir, 'greeting.txt'), 'utf8'), 'Hello world\nagain');
  });

  it('a SlapOS node on examples/slapos-hello: master, request, node', 'node', async () => {
    const i = installed();
    cpSync(join(repositoryRoot(), 'examples', 'slapos-hello'), join(i.work, 'slapos-hello'), { recursive: true });
    const node = join(i.work, 'node');
    const master = start(i, [i.bin], ['master', '--db', join(i.work, 'master.db'), '--listen', '127.0.0.1:0', '--partitions', '1', '--root', join(i.work, 'master-side')], i.work);
    const exited = new Promise((resolve) => master.on('close', resolve));
    try {
      // the node is the master's administrator (the token beside its database)
      const url = adminUrl(await servedAt(master), join(i.work, 'master.db'));
      const port = await freeV6Port();
      await ok(i, ['request', 'hello', 'slapos-hello/software.cfg', '--root', node, '--master-url', url, '--parameters', `{"name": "Installed", "port": "${port}"}`]);
      const run = await ok(i, ['node', '--root', node]);
      assert.match(run.stdout, /slappart0 \(hello\): started, 1\/1 promises ok/);
      assert.match(await get(`http://[::1]:${port}/`), /<h1>Hello Installed!<\/h1>/);
      const info = JSON.parse((await ok(i, ['--json', 'show', 'hello', '--root', node])).stdout) as { connection: Record<string, string> };
      assert.deepEqual(JSON.parse(info.connection._!), { url: `http://[::1]:${port}/`, name: 'Installed' });
      // the watchdog supervisord runs is this copy, found from the bundle, not from the working directory
      const conf = readFileSync(join(node, 'instance', 'etc', 'supervisord.conf'), 'utf8');
      assert.ok(conf.includes(` ${join(realpathSync(i.packageDir), 'bin', 'tsbuildout.js')} node watchdog `), conf);
    } finally {
      if (existsSync(node)) await tsbuildout(i, ['node', 'stop', '--root', node]);
      if (master.exitCode === null) process.kill(-master.pid!, 'SIGTERM');
      await exited;
    }
  });
}
