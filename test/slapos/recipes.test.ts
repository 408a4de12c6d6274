// The recipes that talk to the master, against a `tsbuildout master` run
// in a child process (recipe constructors call it synchronously).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyDict } from '../../python/value.ts';
import { HttpMaster } from '../../slap/client.ts';
import type { Access } from '../../slapos/master/access.ts';
import { LocalMaster } from '../../slapos/master/local.ts';
import { pyToJs } from '../../slap/marshal.ts';
import { startMaster } from '../helpers/node.ts';
import { installedOptions, read, run, writeProfile } from '../recipes/run.ts';

let master: ChildProcess | undefined;
let url = '';
let root = '';

async function start(): Promise<void> {
  root = mkdtempSync(join(tmpdir(), 'tsbuildout-slap-'));
  ({ child: master, url } = await startMaster(['--db', join(root, 'master.db'), '--listen', '127.0.0.1:0', '--partitions', '4', '--root', join(root, 'node')]));
}

/** The master's access (its secret, from its database): each partition's recipes call with that partition's credentials, as the node gives them. */
let access: Access;

const connection = (partition: string) => `[slap-connection]\ncomputer-id = local\npartition-id = ${partition}\nserver-url = ${access.partitionUrl(url, 'local', partition)}\nsoftware-release-url = /sr/software.cfg\nkey-file =\ncert-file =\n`;

function partition(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('master recipes', { timeout: 120_000 }, () => {
  let http: HttpMaster;
  before(async () => {
    await start();
    const db = await LocalMaster.open(join(root, 'master.db'));
    access = db.access;
    db.close();
    // the test itself is the administrator
    const admin = new URL(url);
    admin.username = 'admin';
    admin.password = access.adminToken();
    http = new HttpMaster(admin.toString());
    await http.request({ softwareRelease: '/sr/software.cfg', title: 'main', parameters: PyDict.fromObject({ name: 'Ada', 'a:b': 'x', _: '{"json": [1, 2]}' }) });
  });
  after(() => {
    master?.kill();
    rmSync(root, { recursive: true, force: true });
  });

  it('slapconfiguration: the partition as options; configuration.<k> lines are defaults; .slapos-resource keys', async () => {
    const dir = partition('slappart0');
    writeFileSync(join(dir, '.slapos-resource'), JSON.stringify({ reference: 'slappart0', tap: { name: 'tap0', ipv4_addr: '10.0.0.2' } }));
    writeProfile(
      dir,
      `[buildout]\nparts = show\n\n${connection('slappart0')}
[conf]
recipe = slapos.cookbook:slapconfiguration
url = \${slap-connection:server-url}
computer = \${slap-connection:computer-id}
partition = \${slap-connection:partition-id}
configuration.name = nobody
configuration.port = 8080

[serialised]
recipe = slapos.cookbook:slapconfiguration.serialised
server-url = \${slap-connection:server-url}
computer-id = \${slap-connection:computer-id}
partition-id = \${slap-connection:partition-id}

[show]
recipe = slapos.recipe.template:jinja2
output = \${buildout:directory}/show.json
context =
  key conf conf:configuration
  key serialised serialised:configuration
  key v4 conf:ipv4
  key v6 conf:ipv6
inline = {{ [conf, serialised, v4 | list, v6 | list] | tojson }}
values = \${conf:configuration.name} \${conf:configuration.port} \${conf:ipv4-random} \${conf:ipv6-random} \${conf:instance-title} \${conf:root-instance-title} \${conf:slap-software-type} \${conf:instance-state} \${conf:tap-name} \${conf:tap-ipv4-addr} \${conf:instance-guid}
`,
    );
    await run(dir);
    assert.deepEqual(JSON.parse(read(join(dir, 'show.json'))), [{ name: 'Ada', 'a:b': 'x', _: '{"json": [1, 2]}' }, { json: [1, 2] }, ['127.0.1.1'], ['::1']]);
    assert.equal(installedOptions(dir, 'show')!.get('values'), 'Ada 8080 127.0.1.1 ::1 main main default started tap0 10.0.0.2 local-slappart0');
  });

  it('publish and publish.serialised send to the master; with no [slap-connection], to .published-parameters.json', async () => {
    const dir = partition('slappart0');
    writeProfile(dir, `[buildout]\nparts = publish\n\n${connection('slappart0')}\n[publish]\nrecipe = slapos.cookbook:publish\nurl = http://x\nkey = 1\n`);
    await run(dir);
    assert.deepEqual(pyToJs((await http.instanceInformation('main'))!.connection), { url: 'http://x', key: '1' });
    writeProfile(dir, `[buildout]\nparts = publish\n\n${connection('slappart0')}\n[publish]\nrecipe = slapos.cookbook:publish.serialised\nurl = http://y\n`);
    await run(dir);
    assert.deepEqual(pyToJs((await http.instanceInformation('main'))!.connection), { _: '{"url": "http://y"}' });
    const offline = partition('offline');
    writeProfile(offline, `[buildout]\nparts = publish\n\n[publish]\nrecipe = slapos.cookbook:publish\nurl = http://z\n`);
    await run(offline);
    assert.deepEqual(JSON.parse(read(join(offline, '.published-parameters.json'))).publish.parameters, { url: 'http://z' });
  });

  it('request: a child partition allocated; its connection parameters come back once it publishes; requestoptional only warns', async () => {
    const dir = partition('slappart0');
    const profileText = (recipe: string) => `[buildout]\nparts = child\n\n${connection('slappart0')}
[child]
recipe = slapos.cookbook:${recipe}
<= slap-connection
software-url = /sr/child.cfg
software-type = worker
name = child
config-size = 3
sla-computer_guid = local
sla-empty =
return = url secret
`;
    writeProfile(dir, profileText('requestoptional'));
    const first = await run(dir);
    assert.ok(first.warnings.some((w) => /Connection parameter url not found/.test(w)), first.warnings.join('\n'));
    const child = (await http.instanceInformation('child'))!;
    assert.equal(child.partition, 'slappart1');
    assert.equal(child['software-type'], 'worker');
    assert.equal(child['requested-by'], 'slappart0');
    assert.deepEqual(pyToJs(child.parameters), { size: '3' });
    writeProfile(dir, profileText('request'));
    await assert.rejects(run(dir), /Connection parameter url not found/);
    await http.setConnection('local', 'slappart1', PyDict.fromObject({ url: 'http://child', secret: 's' }));
    await run(dir);
    const saved = installedOptions(dir, 'child')!;
    assert.equal(saved.get('connection-url'), 'http://child');
    assert.equal(saved.get('connection-secret'), 's');
    assert.equal(saved.get('instance-guid'), 'local-slappart1');
    assert.equal(saved.get('requested-state'), 'started');
  });

  it('request.serialised: parameters as JSON-in-XML, connection parameters read from `_`', async () => {
    const dir = partition('slappart0');
    writeProfile(dir, `[buildout]\nparts = child\n\n${connection('slappart0')}\n[child]\nrecipe = slapos.cookbook:request.serialised\n<= slap-connection\nsoftware-url = /sr/child.cfg\nname = child2\nconfig-n = 1\nreturn = url\n`);
    await run(dir).catch(() => undefined);
    const child = (await http.instanceInformation('child2'))!;
    assert.deepEqual(pyToJs(child.parameters), { _: '{"n": "1"}' });
    await http.setConnection('local', String(child.partition), PyDict.fromObject({ _: '{"url": "http://json"}' }));
    await run(dir);
    assert.equal(installedOptions(dir, 'child')!.get('connection-url'), 'http://json');
  });

  it('slapconfiguration.jsonschema: validation, defaults, unstringify; the error message of jsonschema', async () => {
    const sr = join(root, 'sr');
    mkdirSync(sr, { recursive: true });
    writeFileSync(
      join(sr, 'software.cfg.json'),
      JSON.stringify({ name: 'x', serialisation: 'xml', 'software-type': { default: { request: 'input.json', response: 'output.json' }, 'default-shared': { 'software-type': 'default', shared: true, request: 'shared.json', response: 'output.json' } } }),
    );
    writeFileSync(join(sr, 'shared.json'), JSON.stringify({ type: 'object', properties: { domain: { type: 'string', pattern: '^[a-z.]+$' } }, required: ['domain'] }));
    writeFileSync(
      join(sr, 'input.json'),
      JSON.stringify({ type: 'object', properties: { name: { type: 'string', default: 'x' }, n: { type: 'integer', default: 5 }, m: { $ref: '#/definitions/m' }, filter: { type: 'object', properties: { enable: { type: 'boolean', default: true } }, default: {} } }, definitions: { m: { type: 'integer', minimum: 2, default: 3 } } }),
    );
    await http.request({ softwareRelease: '/sr/s.cfg', title: 'schema', parameters: PyDict.fromObject({ n: '12' }) });
    const pid = String((await http.instanceInformation('schema'))!.partition);
    const dir = partition(pid);
    const text = (extra: string) => `[buildout]\nparts = show\n\n${connection(pid)}
[conf]
recipe = slapos.cookbook:slapconfiguration.jsonschema
<= slap-connection
jsonschema = ${join(sr, 'software.cfg.json')}
${extra}
[show]
recipe = slapos.recipe.template:jinja2
output = \${buildout:directory}/show.json
context = key conf conf:configuration
inline = {{ conf | tojson }}
`;
    writeProfile(dir, text('set-default = main\nunstringify = main\n'));
    await run(dir);
    // a default's own defaults: {} completed with enable
    assert.deepEqual(JSON.parse(read(join(dir, 'show.json'))), { n: 12, name: 'x', m: 3, filter: { enable: true } });
    writeProfile(dir, text('set-default = none\n'));
    await assert.rejects(run(dir), (e: Error) => {
      assert.match(e.message, /Invalid parameters:\n {2}\$\.n: '12' is not of type 'integer'/);
      return true;
    });
    await http.request({ softwareRelease: '/sr/s.cfg', title: 'schema', parameters: PyDict.fromObject({ m: '1' }) });
    writeProfile(dir, text('unstringify = all\n'));
    await assert.rejects(run(dir), /\$\.m: 1 is less than the minimum of 2/);

    // shared instances: validated apart, the invalid ones listed and reported to the master for their requester
    await http.request({ softwareRelease: '/sr/s.cfg', title: 'schema', parameters: PyDict.fromObject({ n: '12' }) });
    await http.request({ softwareRelease: '/sr/s.cfg', title: 'front-ok', shared: true, parameters: PyDict.fromObject({ domain: 'a.example' }) });
    await http.request({ softwareRelease: '/sr/s.cfg', title: 'front-bad', shared: true, parameters: PyDict.fromObject({ domain: 'A!' }) });
    writeProfile(
      dir,
      text('unstringify = main\n') +
        `[lists]\nrecipe = slapos.recipe.template:jinja2\noutput = \${buildout:directory}/lists.json\ncontext =\n  key valid conf:valid-shared-instance-list\n  key invalid conf:invalid-shared-instance-list\ninline = {{ [valid, invalid] | tojson }}\n`,
    );
    await run(dir, { installArgs: ['show', 'lists'] });
    assert.deepEqual(JSON.parse(read(join(dir, 'lists.json'))), [
      // a person's shared instances: the proxy's references `_<title>`
      [{ reference: '_front-ok', parameters: { domain: 'a.example', slave_title: '_front-ok', slap_software_type: 'default' } }],
      [{ reference: '_front-bad', parameters: { domain: 'A!', slave_title: '_front-bad', slap_software_type: 'default' }, errors: ["'A!' does not match '^[a-z.]+$'"] }],
    ]);
    assert.equal((await http.instanceInformation('front-bad'))!.error, "Invalid parameters:\n  $.domain: 'A!' does not match '^[a-z.]+$'");
    // the real recipe pops slave-instance-list when it validates shared instances: a reference to it fails
    writeProfile(dir, text('unstringify = main\n') + '[probe]\nrecipe = slapos.recipe.template:jinja2\noutput = ${buildout:directory}/probe\ncontext = key l conf:slave-instance-list\ninline = {{ l }}\n');
    await assert.rejects(run(dir, { installArgs: ['show', 'probe'] }), /conf:slave-instance-list/);
  });

  it('certificate_authority: the CA service issues the certificate a request asks for (openssl)', { skip: !existsSync('/usr/bin/openssl') && 'no openssl' }, async () => {
    const dir = partition('ca');
    writeProfile(
      dir,
      `[buildout]\nparts = ca request\n
[d]
ca = \${buildout:directory}/ca
[ca]
recipe = slapos.cookbook:certificate_authority
ca-dir = \${d:ca}
requests-directory = \${d:ca}/requests
ca-private = \${d:ca}/private
ca-certs = \${d:ca}/certs
ca-newcerts = \${d:ca}/newcerts
ca-crl = \${d:ca}/crl
wrapper = \${buildout:directory}/ca-service
[request]
recipe = slapos.cookbook:certificate_authority.request
requests-directory = \${ca:requests-directory}
ca-private = \${ca:ca-private}
ca-certs = \${ca:ca-certs}
key-file = \${buildout:directory}/apache.key
cert-file = \${buildout:directory}/apache.crt
executable = /bin/true
wrapper = \${buildout:directory}/apache-service
`,
    );
    await run(dir);
    assert.equal(read(join(dir, 'ca', 'serial')), '01');
    assert.match(read(join(dir, 'ca', 'requests', readdirOne(join(dir, 'ca', 'requests')))), /^\[certificate\]\nname = request\nkey_file = .*\.key\ncertificate_file = .*\.crt\n/);
    const service = spawn(join(dir, 'ca-service'), [], { cwd: dir, stdio: 'ignore', detached: true });
    try {
      const deadline = Date.now() + 30_000;
      while (!(existsSync(join(dir, 'apache.crt')) && read(join(dir, 'apache.crt')).includes('END CERTIFICATE')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.kill(-service.pid!, 'SIGKILL');
    }
    assert.match(read(join(dir, 'apache.crt')), /BEGIN CERTIFICATE/);
    assert.match(read(join(dir, 'apache.key')), /PRIVATE KEY/);
    assert.match(read(join(dir, 'apache-service')), /apache\.key|\.key/);
  });

  it('cron and simplelogger: their wrappers', async () => {
    const dir = partition('cron');
    writeProfile(dir, `[buildout]\nparts = cron logger\n\n[cron]\nrecipe = slapos.cookbook:cron\nbinary = \${buildout:directory}/crond\ndcrond-binary = /usr/sbin/crond\ncron-entries = /e\ncrontabs = /t\ncronstamps = /s\ncatcher = /c\n\n[logger]\nrecipe = slapos.cookbook:simplelogger\nwrapper = \${buildout:directory}/logger\nlog = \${buildout:directory}/log.txt\n`);
    await run(dir);
    assert.equal(read(join(dir, 'crond')), '#!/bin/sh -e\nexec /usr/sbin/crond -s /e -c /t -t /s -f \\\n\t-l 5 -M /c "$@"\n');
    const logger = spawn(join(dir, 'logger'), [], { stdio: ['pipe', 'ignore', 'ignore'] });
    logger.stdin!.end('one\ntwo\n');
    await new Promise((r) => logger.on('close', r));
    assert.match(read(join(dir, 'log.txt')), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: one\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: two\n$/);
  });

  it('publish-early: a value generated on the first run is published at init and kept by later runs', async () => {
    const dir = partition('slappart0');
    writeProfile(
      dir,
      `[buildout]\nparts = publish echo\n\n${connection('slappart0')}
[echo]
recipe = slapos.recipe.template:jinja2
output = \${buildout:directory}/secret.txt
context = key p publish-early:password
inline = {{ p }}
[secret]
recipe = slapos.cookbook:generate.password
storage-path =
[publish-early]
recipe = slapos.cookbook:publish-early
-init =
  password secret:passwd
fixed = yes
[publish]
recipe = slapos.cookbook:publish.serialised
-extends = publish-early
url = http://p
`,
    );
    await run(dir);
    const first = JSON.parse((pyToJs((await http.instanceInformation('main'))!.connection) as Record<string, string>)._!) as Record<string, string>;
    assert.equal(first.fixed, 'yes');
    assert.equal(first.url, 'http://p');
    assert.match(first.password!, /^[A-Za-z0-9]{16}$/);
    await run(dir);
    const second = JSON.parse((pyToJs((await http.instanceInformation('main'))!.connection) as Record<string, string>)._!) as Record<string, string>;
    assert.equal(second.password, first.password, 'the published password is kept though generate.password has no storage');
    assert.equal(read(join(dir, 'secret.txt')), first.password, 'and injected into its section before it initialised');
    // the option initialised is removed from its section (publish_early.py: read only through publish-early)
    writeProfile(dir, read(join(dir, 'buildout.cfg')).replace('key p publish-early:password', 'key p secret:passwd'));
    await assert.rejects(run(dir), /Missing option: secret:passwd/);
  });

  it('the master over HTTP answers what the proxy answers to registerComputerPartition', async () => {
    const cp = await http.register('local', 'slappart0');
    const params = pyToJs(cp.attr('_parameter_dict')!) as Record<string, unknown>;
    assert.equal(params.instance_title, 'main');
    assert.deepEqual(params.ip_list, [['lo', '127.0.1.1'], ['lo', '::1']]);
  });
});

function readdirOne(dir: string): string {
  return readdirSync(dir)[0]!;
}
