// slapos.cookbook:zabbixagent against a `tsbuildout master` in a child
// process: the instance parameters read from it, the files of the old
// recipe, the connection parameters published; a missing `hostname` is the
// original's KeyError, as a clear error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PyDict } from '../../python/value.ts';
import { pyToJs } from '../../slap/marshal.ts';
import { startTestMaster, type TestMaster } from '../helpers/master.ts';
import { modeOf, read, run, writeProfile } from '../recipes/run.ts';

let m: TestMaster;

const PROFILE = (partition: string) => `[buildout]
parts = instance

${m.connection(partition)}
[instance]
recipe = slapos.cookbook:zabbixagent
dcrond_binary = /sr/sbin/crond
logrotate_binary = /sr/usr/sbin/logrotate
zabbix_agentd_binary = /sr/sbin/zabbix_agentd
`;

describe('zabbixagent', { timeout: 120_000 }, () => {
  before(async () => {
    m = await startTestMaster('tsbuildout-zabbix-', 2);
  });
  after(() => m?.stop());

  it('the agent, its crond and logrotate; ip, name and port published', async () => {
    await m.http.request({ softwareRelease: '/sr/software.cfg', title: 'agent', parameters: PyDict.fromObject({ hostname: 'host-1', server: '10.0.0.9' }) });
    const info = (await m.http.instanceInformation('agent'))!;
    const dir = join(m.root, 'p');
    mkdirSync(dir, { recursive: true });
    writeProfile(dir, PROFILE(info.partition as string));
    await run(dir);
    const conf = read(join(dir, 'etc', 'zabbix_agentd.conf'));
    assert.match(conf, /\nPidFile=.*\/var\/run\/zabbix_agentd\.pid\n/);
    assert.match(conf, /\nServer=10\.0\.0\.9\n/);
    assert.match(conf, /\nHostname=host-1\n/);
    assert.match(conf, /\nListenPort=10050\n/);
    assert.equal(modeOf(join(dir, 'etc', 'zabbix_agentd.conf')), 0o600);
    assert.equal(modeOf(join(dir, 'srv', 'backup')), 0o700);
    assert.equal(read(join(dir, 'etc', 'logrotate.conf')), `include ${dir}/etc/logrotate.d`);
    assert.equal(read(join(dir, 'etc', 'cron.d', 'logrotate')), `0 0 * * * /sr/usr/sbin/logrotate -s ${dir}/srv/logrotate.status ${dir}/etc/logrotate.conf`);
    assert.match(read(join(dir, 'etc', 'logrotate.d', 'zabbix_agentd')), new RegExp(`^"${dir}/var/log/zabbix_agentd.log" \\{\\n  daily\\n`));
    assert.match(read(join(dir, 'etc', 'run', 'crond')), new RegExp(`generic_exec\\('/sr/sbin/crond', '-s', '${dir}/etc/cron.d', '-c', '${dir}/etc/crontabs', '-t', '${dir}/srv/cronstamps', '-f', '-l', '5', '-M', '${dir}/bin/catchcron'\\)\\)\\n$`));
    assert.match(read(join(dir, 'etc', 'run', 'zabbixagentd')), new RegExp(`svcdaemon\\(\\[\\{'real_binary': '${dir}/bin/zabbixagentd', 'pid_file': '${dir}/var/run/zabbix_agentd.pid'\\}\\]\\)\\)\\n$`));
    const published = pyToJs((await m.http.instanceInformation('agent'))!.connection) as Record<string, string>;
    assert.equal(published.name, 'host-1');
    assert.equal(published.port, '10050');
    assert.match(conf, new RegExp(`\\nSourceIP=${published.ip!.replace(/[.]/g, '\\.')}\\n`));
  });

  it('without the hostname parameter: a clear error', async () => {
    await m.http.request({ softwareRelease: '/sr/software.cfg', title: 'bare' });
    const info = (await m.http.instanceInformation('bare'))!;
    const dir = join(m.root, 'q');
    mkdirSync(dir, { recursive: true });
    writeProfile(dir, PROFILE(info.partition as string));
    await assert.rejects(run(dir), /the instance parameter 'hostname' is required/);
  });
});
