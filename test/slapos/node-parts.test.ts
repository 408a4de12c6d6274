// The node's pieces, without a running node: slapgrid's buildout tail,
// supervisord's partition configuration, plugin files, the native
// promises, the watchdog's protocol, the JSON Schema validator's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { jsonLoads } from '../../python/json.ts';
import { PyDict } from '../../python/value.ts';
import { pluginText } from '../../recipes/cookbook/promise-plugin.ts';
import { formatErrors, SchemaStore, Validator } from '../../recipes/slap/jsonschema.ts';
import { buildoutTail, errorOf } from '../../slapos/node/partition.ts';
import { readPlugin, runPromises } from '../../slapos/node/promises.ts';
import { partitionConf } from '../../slapos/node/supervisord.ts';
import { parseTokens } from '../../slapos/node/watchdog.ts';
import { withTree } from '../helpers/files.ts';

test("slapgrid's buildout tail, filled as slapgrid fills it", () => {
  const tail = buildoutTail({ computerId: 'local', partitionId: 'slappart3', serverUrl: 'http://127.0.0.1:4000', softwareReleaseUrl: '/sr/software.cfg', requestedState: 'started', sharedPartList: ['/a', '/b'] });
  assert.equal(
    tail,
    `# This is beginning of zc.buildout profile's tail added by slapgrid
[buildout]
# put buildout generated binaries in specific directory
bin-directory = \${buildout:directory}/sbin

# protect software and run parts offline
offline = true

[slap-connection]
computer-id = local
partition-id = slappart3
server-url = http://127.0.0.1:4000
software-release-url = /sr/software.cfg
key-file = 
cert-file = 
shared-part-list =
  /a
  /b
build-time-part-list =
  
requested-state = started

[slap_connection]
# Kept for backward compatiblity
computer_id = local
partition_id = slappart3
server_url = http://127.0.0.1:4000
software_release_url = /sr/software.cfg
key_file = 
cert_file = 

[storage-configuration]
storage-home = 

[network-information]
global-ipv4-network = 
# This is end of zc.buildout profile's tail added by slapgrid
`,
  );
});

test('supervisord: one group per partition, etc/run then etc/service (-on-watch), slapgrid’s program settings', async () => {
  await withTree({ 'etc/run/launcher': '#!/bin/sh\n', 'etc/service/web': '#!/bin/sh\n', 'etc/service/.hidden': '' }, async (dir) => {
    const conf = partitionConf('slappart2', dir)!;
    assert.match(conf, /^\[group:slappart2\]\nprograms = slappart2_launcher,slappart2_web\n/);
    assert.match(conf, new RegExp(`\\[program:slappart2_web\\]\\ndirectory = ${dir}\\ncommand = ${dir}/etc/service/web\\nprocess_name = web-on-watch\\nautostart = false\\nautorestart = false\\nstartsecs = 0\\nstartretries = 0\\nexitcodes = 0\\nstopsignal = TERM\\nstopwaitsecs = 60\\nstopasgroup = true\\nkillasgroup = true\\n`));
    assert.match(conf, /process_name = launcher\n/);
    assert.match(conf, new RegExp(`stdout_logfile = ${dir}/.slappart2_web.log\\n`));
  });
  await withTree({ 'x': '' }, async (dir) => assert.equal(partitionConf('slappart0', dir), undefined));
});

test('promise plugins: the module and configuration of what promise.plugin writes', () => {
  const text = pluginText(['/eggs/slapos.toolbox.egg'], PyDict.fromObject({ host: '::1', port: '7777' }), 'from slapos.promise.plugin.check_socket_listening import RunPromise');
  assert.deepEqual(readPlugin(text), { module: 'slapos.promise.plugin.check_socket_listening', config: { host: '::1', port: '7777' } });
  assert.equal(readPlugin('print(1)\n'), undefined);
});

test('promises run natively; legacy ones by exit status; unknown plugins and bad files fail with a message', async () => {
  const server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    await withTree({}, async (dir) => {
      mkdirSync(join(dir, 'etc', 'plugin'), { recursive: true });
      mkdirSync(join(dir, 'etc', 'promise'), { recursive: true });
      const plugin = (name: string, module: string, config: Record<string, string>) =>
        writeFileSync(join(dir, 'etc', 'plugin', name), pluginText([], PyDict.fromObject(config), `from slapos.promise.plugin.${module} import RunPromise`));
      plugin('up.py', 'check_socket_listening', { host: '127.0.0.1', port: String(port) });
      plugin('down.py', 'check_socket_listening', { host: '127.0.0.1', port: '1' });
      plugin('cmd.py', 'check_command_execute', { command: 'echo fine; exit 3' });
      plugin('file.py', 'check_file_state', { filename: join(dir, 'empty'), state: 'empty' });
      plugin('other.py', 'check_cpri_lock', {});
      writeFileSync(join(dir, 'empty'), '');
      writeFileSync(join(dir, 'etc', 'promise', 'ok'), '#!/bin/sh\necho fine\n');
      writeFileSync(join(dir, 'etc', 'promise', 'bad'), '#!/bin/sh\necho "not listening" >&2\nexit 127\n');
      writeFileSync(join(dir, 'etc', 'promise', 'notexec'), '');
      chmodSync(join(dir, 'etc', 'promise', 'ok'), 0o755);
      chmodSync(join(dir, 'etc', 'promise', 'bad'), 0o755);
      const r = Object.fromEntries((await runPromises(dir)).map((x) => [x.name, [x.failed, x.message]]));
      assert.deepEqual(r['up.py'], [false, `socket connection OK ('127.0.0.1', ${port})`]);
      assert.deepEqual(r['down.py'], [true, 'ConnectionRefusedError: [Errno 111] Connection refused']);
      assert.deepEqual(r['cmd.py'], [true, 'fine']);
      assert.deepEqual(r['file.py'], [false, `OK ${join(dir, 'empty')} state empty`]);
      assert.equal(r['other.py']![0], true);
      assert.match(String(r['other.py']![1]), /check_cpri_lock is not one tsbuildout runs/);
      assert.deepEqual(r.ok, [false, 'fine']);
      assert.deepEqual(r.bad, [true, 'not listening']);
      assert.deepEqual(r.notexec, [true, `Bad promise file at ${JSON.stringify(join(dir, 'etc', 'promise', 'notexec'))}.`]);
    });
  } finally {
    server.close();
  }
});

test("the watchdog reads supervisord's event headers and payloads", () => {
  assert.deepEqual(parseTokens('ver:3.0 server:supervisor serial:21 pool:watchdog poolserial:10 eventname:PROCESS_STATE_EXITED len:84\n'), {
    ver: '3.0', server: 'supervisor', serial: '21', pool: 'watchdog', poolserial: '10', eventname: 'PROCESS_STATE_EXITED', len: '84',
  });
  assert.deepEqual(parseTokens('processname:web-on-watch groupname:slappart0 from_state:RUNNING expected:0 pid:2766'), { processname: 'web-on-watch', groupname: 'slappart0', from_state: 'RUNNING', expected: '0', pid: '2766' });
});

test("a failed buildout's error for the master: the JSON error's message with its lines, and the chain", () => {
  const stdout = 'Installing a.\n{\n "ok": false,\n "error": {"message": "Invalid parameters:\\n  $: bad"}\n}\n';
  assert.equal(errorOf(stdout, 'Error: Invalid parameters: $: bad\n  while: Installing.\n'), 'Error: Invalid parameters:\n  $: bad\n  while: Installing.');
  assert.equal(errorOf('no json', 'Error: x\n'), 'Error: x');
});

test("JSON Schema: jsonschema's messages and paths", async () => {
  await withTree(
    {
      'schema.json': JSON.stringify({
        type: 'object',
        required: ['a'],
        additionalProperties: false,
        properties: {
          a: { type: 'integer', minimum: 3 },
          b: { enum: ['x', 'y'] },
          c: { type: 'array', items: { type: 'string' }, maxItems: 1 },
          d: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
          e: { $ref: 'other.json#/definitions/e' },
        },
      }),
      'other.json': JSON.stringify({ definitions: { e: { type: 'string', pattern: '^[a-z]+$' } } }),
    },
    async (dir) => {
      const v = new Validator(new SchemaStore());
      const errors = v.validate(join(dir, 'schema.json'), jsonLoads('{"a": 1, "b": "z", "c": ["q", 2], "d": [], "e": "A", "f": null}'));
      assert.equal(
        formatErrors(errors),
        [
          "  $: Additional properties are not allowed ('f' was unexpected)",
          '  $.a: 1 is less than the minimum of 3',
          "  $.b: 'z' is not one of ['x', 'y']",
          "  $.c[1]: 2 is not of type 'string'",
          "  $.c: ['q', 2] is too long",
          '  $.d: [] is not valid under any of the given schemas',
          "  $.e: 'A' does not match '^[a-z]+$'",
        ].join('\n'),
      );
      assert.deepEqual(v.validate(join(dir, 'schema.json'), jsonLoads('{}')).map((e) => e.message), ["'a' is a required property"]);
      // checked against Python's jsonschema 4.26
      assert.deepEqual(v.validate(join(dir, 'schema.json'), jsonLoads('{"a": "3"}')).map((e) => e.message), ["'3' is not of type 'integer'"]);
      assert.deepEqual(v.validate(join(dir, 'schema.json'), jsonLoads('{"a": 5, "d": 1.5}')).map((e) => e.message), ['1.5 is not valid under any of the given schemas']);
    },
  );
});
