// The corpus-node script's helpers (scripts/lib/corpus-node.ts), on
// fixture trees of their own: the system tools that stand in for the
// components' ones, the parameters a schema requires, the first wall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSoftwareType, firstWall, instanceWall, minimalParameters, requiredParameters, systemToolStandIns } from '../../scripts/lib/corpus-node.ts';
import { withTree } from '../helpers/files.ts';
import { COMPONENT_STUBS } from '../helpers/acceptance.ts';
import { writeStubs } from '../helpers/node.ts';
import { freePort } from '../../slapos/node/config.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';

test("systemToolStandIns: a component's -output tools that the system has, where the component is built", async () => {
  await withTree(
    {
      'component/coreutils/buildout.cfg': '[coreutils]\nrecipe = slapos.recipe.cmmi\n\n[coreutils-output]\nrecipe = plone.recipe.command\ncat = ${coreutils:location}/bin/cat\nnot-a-tool = ${coreutils:location}/bin/no-such-tool-here\n',
      'component/nginx/buildout.cfg': '[nginx-output]\nnginx = ${nginx:location}/sbin/nginx\n',
      'component/other/buildout.cfg': '[other]\ncat = ${other:location}/bin/cat\n',
    },
    async (tree) => {
      const stubs = systemToolStandIns(tree);
      // a daemon is never the system's; an option outside an -output section is not a tool
      assert.deepEqual(Object.keys(stubs), ['parts/coreutils/bin/cat']);
      const script = join(tree, 'cat');
      writeFileSync(script, stubs['parts/coreutils/bin/cat']!);
      chmodSync(script, 0o755);
      assert.equal(spawnSync(script, [], { input: 'through', encoding: 'utf8' }).stdout, 'through');
    },
  );
});

test('minimalParameters: what a schema requires (through allOf and $ref), its default, example or a placeholder', async () => {
  await withTree({ 'defs.json': JSON.stringify({ port: { type: 'integer', minimum: 1024 } }) }, async (dir) => {
    const schema = {
      required: ['name', 'port'],
      properties: { name: { type: 'string', default: 'n' }, port: { $ref: 'defs.json#/port' }, free: { type: 'string' } },
      allOf: [{ required: ['url', 'tags'], properties: { url: { type: 'string', format: 'uri' }, tags: { type: 'array' } } }],
    };
    assert.deepEqual(minimalParameters(schema, join(dir, 'schema.json')), { name: 'n', port: 1024, url: 'http://example.invalid/', tags: [] });
  });
});

test('firstWall: the first Error: line, else a failed promise, else the last line', () => {
  assert.equal(firstWall('Installing a.\nWhile:\n  Installing b.\nError: [b] no such file: /x\nmore\n'), '[b] no such file: /x');
  assert.equal(firstWall("ok\nPromise 'p' failed\n"), "Promise 'p' failed");
  assert.equal(firstWall('one\ntwo\n\n'), 'two');
  assert.equal(firstWall('Error: Invalid parameters:\n  $.cell1: {} is not valid\n  while: Installing.\n'), 'Invalid parameters: $.cell1: {} is not valid');
});

test("the postgresql stand-in: --single reads its commands; -D PGDATA listens where postgresql.conf says", async () => {
  await withTree({}, async (dir) => {
    writeStubs(dir, COMPONENT_STUBS);
    const postgres = join(dir, 'parts', 'postgresql', 'bin', 'postgres');
    assert.equal(spawnSync(postgres, ['--single', '-D', dir, 'postgres'], { input: 'CREATE DATABASE "x"\n' }).status, 0);
    const port = await freePort('127.0.0.1');
    mkdirSync(join(dir, 'pgdata'));
    writeFileSync(join(dir, 'pgdata', 'postgresql.conf'), `listen_addresses = '127.0.0.1'\nport = ${port}\nlogging_collector = on\n`);
    const child = spawn(postgres, ['-D', join(dir, 'pgdata')], { stdio: 'ignore', detached: true });
    try {
      let answer = '';
      for (let i = 0; i < 50 && !answer; i++) {
        answer = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text(), () => '');
        if (!answer) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(answer, 'postgres\n');
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

test("instanceWall: the last outcome of each partition; one failing on its own before one waiting for a child", () => {
  const report = (processed: object[]) => `Processing partition slappart0 (root, started).\n${JSON.stringify({ exitCode: 1, passes: 2, processed }, null, 1)}\n`;
  const waiting = { partition: 'slappart0', title: 'root', status: 'failed', message: 'Error: [request-db] Connection parameter url not found. Requested instance is currently as: not published yet' };
  const own = { partition: 'slappart3', title: 'db', status: 'failed', message: "While:\n  Installing.\nError: Unknown recipe 'x:y' for part [p]" };
  assert.equal(instanceWall(report([waiting, own])), "slappart3 (db): Unknown recipe 'x:y' for part [p]");
  // the child deployed in the second pass: its last outcome counts
  assert.equal(instanceWall(report([own, waiting, { ...own, status: 'ok' }])), 'slappart0 (root): [request-db] Connection parameter url not found. Requested instance is currently as: not published yet');
  assert.equal(instanceWall('no report'), undefined);
  // promises that failed right after the start and passed at the end of the run are no wall
  const early = { partition: 'slappart1', title: 'web', status: 'promise-failed', message: "Promise 'a.py' failed with output: refused" };
  const late = { partition: 'slappart2', title: 'db', status: 'promise-failed', message: "Promise 'b.py' failed with output: refused" };
  assert.equal(instanceWall(report([early, late, { ...early, status: 'ok' }]), 'promise-failed'), "slappart2 (db): Promise 'b.py' failed with output: refused");
  assert.equal(instanceWall(report([early, late]), 'failed'), undefined);
});

test("a release's default type and required parameters; a variant without a description of its own reads software.cfg.json", async () => {
  const description = { 'software-type': { shared: { shared: true, index: 0 }, cluster: { index: 2, request: 'in.json' }, single: { index: 1, request: 'in.json' } } };
  await withTree({ 'software.cfg.json': JSON.stringify(description), 'in.json': JSON.stringify({ required: ['cluster'], properties: { cluster: { type: 'string' } } }), 'other.cfg.json': '{}' }, async (dir) => {
    assert.equal(defaultSoftwareType(join(dir, 'software.cfg')), 'single');
    assert.equal(defaultSoftwareType(join(dir, 'software-py3.cfg')), 'single');
    assert.equal(requiredParameters(join(dir, 'software-py3.cfg'), 'single'), '{"cluster":"corpus-cluster"}');
    // a variant with a description of its own reads that one
    assert.equal(defaultSoftwareType(join(dir, 'other.cfg')), 'default');
  });
});

test("the httpd stand-in: listens where the configuration says, HTTPS with its certificate, 401 without the AuthUserFile's credentials", { skip: !existsSync('/usr/bin/openssl') && 'no openssl' }, async () => {
  await withTree({}, async (dir) => {
    writeStubs(dir, COMPONENT_STUBS);
    const port = await freePort('127.0.0.1');
    spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=stub', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'htpasswd'), 'admin:secret\n');
    writeFileSync(join(dir, 'included.conf'), `Listen 127.0.0.1:${port}\n`);
    writeFileSync(join(dir, 'httpd.conf'), `PidFile "${dir}/pid"\nInclude ${dir}/included.conf\nSSLCertificateFile ${dir}/cert.pem\nSSLCertificateKeyFile ${dir}/key.pem\n<Directory ${dir}>\n  AuthType Basic\n  AuthUserFile "${dir}/htpasswd"\n</Directory>\n`);
    const child = spawn(join(dir, 'parts', 'apache', 'bin', 'httpd'), ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: 'ignore', detached: true });
    const get = (auth?: string) =>
      new Promise<number>((resolve) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, ...(auth ? { auth } : {}) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(0));
        req.end();
      });
    try {
      let code = 0;
      for (let i = 0; i < 50 && !code; i++) {
        code = await get();
        if (!code) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(code, 401);
      assert.equal(await get('admin:wrong'), 401);
      assert.equal(await get('admin:secret'), 200);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  });
});
