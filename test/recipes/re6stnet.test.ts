// slapos.cookbook:re6stnet.registry: the registry's certificate (serial from
// the IPv6 prefix), the shared instances' tokens (.add for a new one,
// .remove for one gone) and the token manager script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialFromIpv6 } from '../../recipes/cookbook/re6stnet.ts';
import { withTree } from '../helpers/files.ts';
import { read, run } from './run.ts';

const profile = (dir: string, slaves: string, openssl = 'openssl') => `[buildout]
parts = registry

[slap-connection]
computer-id = COMP
partition-id = slappart0
server-url = http://127.0.0.1:9/
software-release-url = /sr
key-file = /k
cert-file = /c

[registry]
recipe = slapos.cookbook:re6stnet.registry
manager-wrapper = \${buildout:directory}/manage
openssl-bin = ${openssl}
ipv6-prefix = 2001:db8:24::/48
key-size = 1024
conf-dir = ${dir}/conf
token-dir = ${dir}/token
port = 9201
ipv4 = 10.0.0.1
key-file = ${dir}/reg.key
cert-file = ${dir}/reg.crt
dh-file = ${dir}/dh.pem
slave-instance-list = !py!${slaves}
`;

test('re6stnet.registry: serial of the IPv6 prefix (getSerialFromIpv6)', () => {
  assert.equal(serialFromIpv6('2001:db8:24::/48'), '0x120010db80024');
  assert.equal(serialFromIpv6('::/0'), '0x1');
  assert.equal(serialFromIpv6('fe80::1/128'), '0x1fe800000000000000000000000000001');
});

test('re6stnet.registry: certificate, tokens added then removed, manager script', { timeout: 60_000 }, async () => {
  await withTree({ 'conf/.keep': '', 'token/.keep': '' }, async (dir) => {
    writeFileSync(join(dir, 'buildout.cfg'), profile(dir, "[{'slave_reference': 'SOFTINST-12'}, {'slave_reference': 'SOFTINST-7'}]"));
    await run(dir);
    const serial = spawnSync('openssl', ['x509', '-in', join(dir, 'reg.crt'), '-noout', '-serial'], { encoding: 'utf8' }).stdout;
    assert.equal(serial.trim(), 'serial=0120010DB80024');
    const tokens = JSON.parse(read(join(dir, 'conf', 'token.json')));
    assert.deepEqual(Object.keys(tokens), ['SOFTINST-12', 'SOFTINST-7']);
    assert.match(tokens['SOFTINST-12'], /^12[a-z]{20}$/);
    assert.equal(new Set(tokens['SOFTINST-7'].slice(1)).size, 20, 'distinct letters');
    assert.equal(read(join(dir, 'token', 'SOFTINST-7.add')), tokens['SOFTINST-7']);
    assert.match(read(join(dir, 'manage')), /^#!.*\n\nimport sys\nsys\.path\[0:0\] = \[\n {2}\]\n\nimport slapos\.recipe\.re6stnet\.re6stnet\n\nif __name__ == '__main__':\n {4}sys\.exit\(slapos\.recipe\.re6stnet\.re6stnet\.manage\('http:\/\/10\.0\.0\.1:9201\/', '.*\/token', '.*\/conf\/token\.json', \{'partition_id': 'slappart0', 'computer_guid': 'COMP', 'master_url': 'http:\/\/127\.0\.0\.1:9\/', 'cert_file': '\/c', 'key_file': '\/k'\}\)\)\n$/);

    const key = read(join(dir, 'reg.key'));
    writeFileSync(join(dir, 'buildout.cfg'), profile(dir, "[{'slave_reference': 'SOFTINST-12'}]"));
    await run(dir);
    assert.equal(read(join(dir, 'reg.key')), key, 'an existing certificate is kept');
    assert.deepEqual(JSON.parse(read(join(dir, 'conf', 'token.json'))), { 'SOFTINST-12': tokens['SOFTINST-12'] });
    assert.deepEqual(readdirSync(join(dir, 'token')).sort(), ['.keep', 'SOFTINST-12.add', 'SOFTINST-7.remove']);
    assert.equal(read(join(dir, 'token', 'SOFTINST-7.remove')), tokens['SOFTINST-7']);
  });
});

test('re6stnet.registry: a failed openssl command is an error, and what it was writing is removed', async () => {
  await withTree({ 'conf/.keep': '', 'token/.keep': '', 'dh.pem': '' }, async (dir) => {
    writeFileSync(join(dir, 'buildout.cfg'), profile(dir, '[]', '/bin/false'));
    await assert.rejects(run(dir), /Command \['\/bin\/false', 'genrsa', '-out', '.*reg\.key', '1024'\] returned non-zero exit status 1\./);
    assert.ok(!existsSync(join(dir, 'reg.key')));
  });
});
