// slapos.cookbook's neoppod recipes: the cluster against a `tsbuildout
// master` in a child process (the nodes are requested again with the
// masters they publish), the nodes' service scripts as the original writes them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PyDict } from '../../python/value.ts';
import { pyToJs } from '../../slap/marshal.ts';
import { startTestMaster, type TestMaster } from '../helpers/master.ts';
import { installedOptions, modeOf, read, run, writeProfile } from '../recipes/run.ts';

let m: TestMaster;

function partition(name: string): string {
  const dir = join(m.root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const CLUSTER = `[buildout]
parts = cluster

[node-common]
<= slap-connection
recipe = slapos.cookbook:request
software-url = /sr/software.cfg
software-type = neo
config-masters = \${cluster:masters}
return = master admin

[node-1]
<= node-common
name = node-1

[node-0]
<= node-common
name = node-0

[cluster]
recipe = slapos.cookbook:neoppod.cluster
nodes = node-1 node-0
`;

describe('neoppod recipes', { timeout: 120_000 }, () => {
  before(async () => {
    m = await startTestMaster('tsbuildout-neoppod-', 4);
    await m.http.request({ softwareRelease: '/sr/software.cfg', title: 'main' });
  });
  after(() => m?.stop());

  it('cluster: the nodes are requested with no masters, then again with the masters they publish (sorted by node name)', async () => {
    const dir = partition('slappart0');
    writeProfile(dir, CLUSTER + '\n' + m.connection('slappart0'));
    // the nodes' sections become parts (read by the cluster's init); nothing is published yet: they fail
    await assert.rejects(run(dir), /Connection parameter master not found/);
    const params = async (title: string) => pyToJs((await m.http.instanceInformation(title))!.parameters) as Record<string, string>;
    // an empty parameter: the master's XML gives None for it
    for (const n of ['node-0', 'node-1']) assert.ok(['', 'None', null].includes((await params(n)).masters), n);

    const part = async (title: string) => (await m.http.instanceInformation(title))!.partition as string;
    await m.http.setConnection('local', await part('node-1'), PyDict.fromObject({ master: 'h1:1', admin: 'h1:2' }));
    await m.http.setConnection('local', await part('node-0'), PyDict.fromObject({ master: 'h0:1', admin: '' }));
    await run(dir);
    const saved = installedOptions(dir, 'cluster')!;
    assert.equal(saved.get('masters'), 'h0:1 h1:1');
    assert.equal(saved.get('admins'), 'h1:2');
    assert.equal((await params('node-0')).masters, 'h0:1 h1:1');
    assert.equal((await params('node-1')).masters, 'h0:1 h1:1');
  });

  it('master, admin and storage: the service script of each node; an empty masters fails the install', async () => {
    const dir = partition('nodes');
    const common = `ip = 10.0.0.1\ncluster = !py!'test'\nmasters = !py!'10.0.0.1:2051'\n`;
    writeProfile(
      dir,
      `[buildout]\nparts = master admin storage\n
[master]
recipe = slapos.cookbook:neoppod.master
binary = /sr/bin/neomaster
wrapper = \${buildout:directory}/neomaster
logfile = /log/neomaster.log
port = 2051
ssl = !py!True
${common}partitions = 12
replicas = 0
autostart = 1
upstream-cluster = !py!''
upstream-masters = !py!'up:1'
extra-options = -B

[admin]
recipe = slapos.cookbook:neoppod.admin
binary = /sr/bin/neoadmin
wrapper = \${buildout:directory}/neoadmin
logfile = /log/neoadmin.log
port = 2050
ssl = !py!False
${common}
[storage]
recipe = slapos.cookbook:neoppod.storage
binary = /sr/bin/neostorage
wrapper = \${buildout:directory}/neostorage
logfile = /log/neostorage.log
ssl = !py!False
${common}database-parameters = /srv/db.sqlite
database-adapter = SQLite
wait-database = -1
environment =
  PATH = /sqlite/bin
extra-options =
  --dedup
`,
    );
    await run(dir);
    // checked against the real recipes (cookbook-oracle), unfolded: the folding at 40 columns depends on the directory's length
    const unfold = (f: string) => read(join(dir, f)).replaceAll(' \\\n\t', ' ');
    assert.equal(
      unfold('neomaster'),
      `#!/bin/sh -e\ntrap '' RTMIN+1\nexec /sr/bin/neomaster -l /log/neomaster.log -m 10.0.0.1:2051 -b 10.0.0.1:2051 -c test --ca ${dir}/etc/ca.crt --cert ${dir}/etc/neo.crt --key ${dir}/etc/neo.key -p 12 -r 0 -A 1 -M up:1 -B "$@"\n`,
    );
    assert.equal(unfold('neoadmin'), `#!/bin/sh -e\ntrap '' RTMIN+1\nexec /sr/bin/neoadmin -l /log/neoadmin.log -m 10.0.0.1:2051 -b 10.0.0.1:2050 -c test "$@"\n`);
    assert.equal(
      read(join(dir, 'neostorage')),
      `#!/bin/sh -e\ntrap '' RTMIN+1\nexport PATH=/sqlite/bin\nexec /sr/bin/neostorage -l /log/neostorage.log \\\n\t-m 10.0.0.1:2051 -b 10.0.0.1 -c test -d \\\n\t/srv/db.sqlite -a SQLite -w -1 --dedup "$@"\n`,
    );
    assert.equal(modeOf(join(dir, 'neostorage')), 0o700);

    writeProfile(dir, `[buildout]\nparts = admin\n\n[admin]\nrecipe = slapos.cookbook:neoppod.admin\nbinary = /b\nwrapper = \${buildout:directory}/w\nlogfile = /l\nip = h\nport = 1\nssl =\ncluster = c\nmasters =\n`);
    await assert.rejects(run(dir), /"masters" parameter is mandatory/);
  });
});
