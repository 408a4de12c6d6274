// The node with the bundled example (examples/slapos-hello): the README's
// two commands, then what happens to a running instance — a service that
// dies is banged and restarted by the next run; invalid parameters give
// slapconfiguration.jsonschema's error, shown by `show`, and the partition
// keeps its files; fixing them brings the instance back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';
import { adminUrl, cli, freeV6Port, get, hasSupervisord, ok, show, startMaster, status } from '../helpers/node.ts';

const skip = hasSupervisord() ? false : "no supervisord (Debian's supervisor)";
const SOFTWARE = join(repositoryRoot(), 'examples', 'slapos-hello', 'software.cfg');

/** Files of the partition (but slapgrid's, slapos.slap's and buildout's bookkeeping) with their mtimes. */
function files(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (rel === '.slapgrid' || rel === '.installed.cfg' || rel.startsWith('.slapgrid-') || rel === '.slapos-resource' || rel.startsWith('.slappart') || rel.startsWith('.slapos-request-transaction-') || rel === '.tsbuildout.lock') continue;
      const s = lstatSync(p);
      if (s.isDirectory()) walk(p);
      else out.set(rel, s.mtimeMs);
    }
  };
  walk(dir);
  return out;
}

async function waitFor<T>(f: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the node with examples/slapos-hello', { skip, timeout: 300_000 }, () => {
  let root = '';
  let port = 0;
  let URL = '';
  const node = () => join(root, 'node');
  const params = (name: string, extra = '') => `{"name": "${name}", "port": "${port}"${extra}}`;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'tsbuildout-node-'));
    port = await freeV6Port();
    URL = `http://[::1]:${port}/`;
  });
  after(async () => {
    if (root) {
      await cli(['node', 'stop', '--root', node()]);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('request, then node: the instance serves its greeting, publishes its URL, its promise passes', async () => {
    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', params('Node')]);
    const run = await ok(['node', '--root', node()]);
    assert.match(run.stdout, /Processing partition slappart0 \(hello, started\)\./);
    const info = await show(node(), 'hello');
    assert.deepEqual(JSON.parse(info.connection._!), { url: URL, name: 'Node' });
    assert.equal(info['reported-state'], 'started');
    const [p] = await status(node());
    assert.deepEqual(p!.services.map((s) => [s.name, s.state]), [['hello-server-on-watch', 'RUNNING']]);
    assert.deepEqual(p!.promises['hello-server-listening.py']!.failed, false);
    assert.match(await get(URL), /<h1>Hello Node!<\/h1>/);
    const text = (await cli(['show', 'hello', '--root', node()])).stdout;
    assert.ok(text.includes(`connection parameters:\n  name = Node\n  url = ${URL}\n`), text);
  });

  it('a service that dies: the watchdog bangs the master, the next node instance starts it again', async () => {
    const [before] = await status(node());
    const pid = before!.services[0]!.pid;
    process.kill(pid, 'SIGKILL');
    const info = await waitFor(async () => {
      const i = await show(node(), 'hello');
      return i.bang ? i : undefined;
    }, 'the bang');
    assert.match(String(info.bang), /hello-server-on-watch process in partition slappart0 exited/);
    // status tells it as it is now: the service exited, its promise fails
    const [dead] = await status(node());
    assert.notEqual(dead!.services[0]!.state, 'RUNNING');
    assert.equal(dead!.promises['hello-server-listening.py']!.failed, true);
    const run = await ok(['node', 'instance', '--root', node()]);
    assert.match(run.stdout, /Processing partition slappart0/);
    const [after] = await status(node());
    assert.equal(after!.services[0]!.state, 'RUNNING');
    assert.notEqual(after!.services[0]!.pid, pid);
    assert.match(await get(URL), /Hello Node!/);
    // once per deployment: a second death is not banged again until the partition is deployed anew
    assert.equal((await cli(['node', 'instance', '--root', node()])).stdout.trim(), 'Every partition is up to date.');
  });

  it('invalid parameters: the jsonschema error reaches the master, the partition keeps its files and service', async () => {
    const dir = join(node(), 'instance', 'slappart0');
    const kept = files(dir);
    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', `{"name": "Node", "prot": "${port}"}`]);
    const run = await cli(['node', 'instance', '--root', node()]);
    assert.equal(run.code, 1);
    const info = await show(node(), 'hello');
    assert.equal(info['reported-state'], 'error');
    assert.match(String(info.error), /^Error: Invalid parameters:\n {2}\$: Additional properties are not allowed \('prot' was unexpected\)\n/);
    const text = (await cli(['show', 'hello', '--root', node()])).stdout;
    assert.match(text, /error:\n {2}Error: Invalid parameters:\n {4}\$: Additional properties are not allowed \('prot' was unexpected\)/);
    assert.deepEqual(files(dir), kept);
    assert.match(readFileSync(join(dir, '.slapgrid-slappart0-error.log'), 'utf8'), /Invalid parameters/);
    assert.match(await get(URL), /Hello Node!/);

    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', params('again')]);
    await ok(['node', 'instance', '--root', node()]);
    const fixed = await show(node(), 'hello');
    assert.equal(fixed['reported-state'], 'started');
    assert.equal(fixed.error, null);
    assert.match(await get(URL), /Hello again!/);
  });

  it('requested stopped: the services leave supervisord, the master hears stopped; started again, they come back', async () => {
    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', params('again'), '--state', 'stopped']);
    await ok(['node', 'instance', '--root', node()]);
    assert.equal((await show(node(), 'hello'))['reported-state'], 'stopped');
    assert.deepEqual((await status(node()))[0]!.services, []);
    assert.match(await get(URL), /^ERROR/);
    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', params('again')]);
    await ok(['node', 'instance', '--root', node()]);
    assert.equal((await status(node()))[0]!.services[0]!.state, 'RUNNING');
    assert.match(await get(URL), /Hello again!/);
  });

  it('a value of the wrong type is refused with jsonschema\'s message and path', async () => {
    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', '{"name": ["a"], "port": "80"}']);
    assert.equal((await cli(['node', 'instance', '--root', node()])).code, 1);
    const info = await show(node(), 'hello');
    assert.equal(String(info.error).split('\n').slice(0, 3).join('\n'), "Error: Invalid parameters:\n  $.name: ['a'] is not of type 'string'\n  $.port: '80' does not match '^[1-9][0-9]{3,4}$'");
    await ok(['request', 'hello', SOFTWARE, '--root', node(), '--parameters', params('again')]);
    await ok(['node', 'instance', '--root', node()]);
  });
});

describe('a root instance that requests a child', { skip, timeout: 120_000 }, () => {
  it('one node instance run converges: the child is allocated and deployed, the root publishes its answer', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsbuildout-node-'));
    const node = join(root, 'node');
    const software = join(repositoryRoot(), 'fixtures', 'slapos', 'tree', 'software.cfg');
    const port = await freeV6Port();
    try {
      await ok(['request', 'tree', software, '--root', node, '--parameters', '{"greeting": "hi"}']);
      const run = await cli(['node', '--root', node]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const child = await show(node, 'tree child');
      assert.equal(child['software-type'], 'child');
      assert.equal(child['requested-by'], 'slappart0');
      assert.deepEqual(child.connection, { answer: 'hi from tree child (root: tree)' });
      assert.deepEqual((await show(node, 'tree')).connection, { 'child-answer': 'hi from tree child (root: tree)' });
      assert.match(run.stdout, /Processing partition slappart1 \(tree child, started\)/);
      assert.equal((await cli(['node', 'instance', '--root', node])).stdout.trim(), 'Every partition is up to date.');
      // the root no longer requests it: the child is destroyed and its partition freed
      await ok(['request', 'tree', join(repositoryRoot(), 'examples', 'slapos-hello', 'software.cfg'), '--root', node, '--parameters', `{"port": "${port}"}`]);
      await ok(['node', '--root', node]);
      assert.equal((await cli(['show', 'tree child', '--root', node])).code, 1);
    } finally {
      await cli(['node', 'stop', '--root', node]);
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a node whose master is elsewhere (--master-url)', { skip, timeout: 120_000 }, () => {
  it('request, node and show all go through the SLAP protocol to a tsbuildout master', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsbuildout-node-'));
    const node = join(root, 'node');
    const port = await freeV6Port();
    const { child: master, url: served } = await startMaster(['--db', join(root, 'remote.db'), '--listen', '127.0.0.1:0', '--partitions', '2', '--root', join(root, 'master-side')]);
    try {
      // a remote node is the master's administrator, and hands that URL to its partitions
      const url = adminUrl(served, join(root, 'remote.db'));
      await ok(['request', 'remote', SOFTWARE, '--root', node, '--master-url', url, '--parameters', `{"name": "remote", "port": "${port}"}`]);
      const run = await ok(['node', '--root', node]);
      assert.match(run.stdout, /slappart0 \(remote\): started, 1\/1 promises ok/);
      assert.equal(JSON.parse(readFileSync(join(node, 'node.json'), 'utf8'))['master-url'], url);
      const info = await show(node, 'remote');
      assert.deepEqual(JSON.parse(info.connection._!), { url: `http://[::1]:${port}/`, name: 'remote' });
      assert.match(readFileSync(join(node, 'instance', 'slappart0', 'buildout.cfg'), 'utf8'), new RegExp(`\\nserver-url = ${url.replace(/[.:/]/g, '\\$&')}\\n`));
      assert.match(await get(`http://[::1]:${port}/`), /Hello remote!/);
    } finally {
      await cli(['node', 'stop', '--root', node]);
      master.kill();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
