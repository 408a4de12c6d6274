// `--cfg slapos.cfg`: the real node configuration file read as slapgrid
// reads it (configparser: DEFAULT, interpolation, continuation lines),
// slapgrid's mandatory options and files, what tsbuildout takes from it,
// and what it does not use named once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSlaposCfg } from '../../slapos/node/slapos-cfg.ts';
import { NodeError } from '../../slapos/node/config.ts';
import { cli } from '../helpers/node.ts';

describe('slapos.cfg', () => {
  let dir = '';
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsbuildout-cfg-'));
    mkdirSync(join(dir, 'pki'));
    write('node.key', 'key');
    write('node.crt', 'crt');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the options tsbuildout uses, through DEFAULT and interpolation; the rest named once', () => {
    const file = write(
      'slapos.cfg',
      `[DEFAULT]
base = ${dir}

[slapos]
# the computer
computer_id = COMP-123
master_url = https://slap.example/
key_file = %(base)s/node.key
cert_file =  %(base)s/node.crt
certificate_repository_path = %(base)s/pki
software_root = %(base)s/software
instance_root = %(base)s/instance
shared_part_list =
  /opt/shared
  /opt/shared2

[slapformat]
interface_name = lo
partition_amount = 3
partition_base_name = part
user_base_name = slapuser

[networkcache]
download-cache-url = http://shacache.example
`,
    );
    const node = readSlaposCfg(file);
    assert.deepEqual(node.settings, {
      computer: 'COMP-123',
      partitions: 3,
      'master-url': 'https://slap.example/',
      'master-port': 0,
      'key-file': join(dir, 'node.key'),
      'cert-file': join(dir, 'node.crt'),
      'certificate-repository-path': join(dir, 'pki'),
      'partition-base-name': 'part',
      'user-base-name': 'slapuser',
    });
    assert.equal(node.paths.softwareRoot, join(dir, 'software'));
    assert.equal(node.paths.instanceRoot, join(dir, 'instance'));
    assert.equal(node.paths.partition('part0'), join(dir, 'instance', 'part0'));
    assert.deepEqual(node.paths.nodeArgs, ['--cfg', file]);
    assert.equal(node.notice, `${file}: not used by tsbuildout: [slapformat] interface_name; [networkcache]`);
    // where shared parts are built (node software writes it as the release's shared-part-list)
    assert.equal(node.paths.layout.sharedPartList, '\n/opt/shared\n/opt/shared2');
  });

  it("slapgrid's mandatory options and files, one Error: line each", async () => {
    const error = (text: string) => {
      try {
        readSlaposCfg(write('bad.cfg', text));
      } catch (e) {
        assert.ok(e instanceof NodeError);
        return (e as Error).message.replace(`${join(dir, 'bad.cfg')}: `, '');
      }
      return 'no error';
    };
    const base = `computer_id = C\nmaster_url = http://m\nsoftware_root = ${dir}/s\ninstance_root = ${dir}/i\n`;
    assert.equal(error('[slapos]\ncomputer_id = C\n'), 'Missing mandatory parameters: instance_root, master_url, software_root');
    assert.equal(error(`[slapos]\n${base.replace('master_url = http://m', 'master_url =')}`), 'Mandatory parameters present but empty: master_url');
    assert.equal(error(`[slapos]\n${base}key_file = ${dir}/node.key\n`), 'Missing mandatory parameters: cert_file, certificate_repository_path');
    assert.equal(error(`[slapos]\n${base}key_file = ${dir}/none.key\ncert_file = ${dir}/node.crt\ncertificate_repository_path = ${dir}/pki\n`), `key_file: File '${dir}/none.key' does not exist.`);
    assert.equal(error(`[slapos]\n${base}master_ca_file = ${dir}/ca.crt\n`), `master_ca_file: File '${dir}/ca.crt' does not exist.`);
    assert.equal(error(`[slapos]\n${base}\n[slapformat]\npartition_amount = ten\n`), "[slapformat] partition_amount: expected a number, got 'ten'");
    assert.equal(error('[slapformat]\npartition_amount = 1\n'), 'no [slapos] section');
    // the CLI: one line, no stack
    const r = await cli(['node', 'status', '--cfg', join(dir, 'bad.cfg')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error: ${join(dir, 'bad.cfg')}: no [slapos] section\n`);
    const both = await cli(['node', 'status', '--cfg', join(dir, 'bad.cfg'), '--root', dir]);
    assert.match(both.stderr, /--cfg and --root: a node is configured by one or the other/);
    const none = await cli(['show', 'x', '--cfg', join(dir, 'none.cfg')]);
    assert.match(none.stderr, /^Error: cannot read the node configuration .*none\.cfg: ENOENT/);
  });
});
