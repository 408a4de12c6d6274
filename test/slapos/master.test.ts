// The SLAP protocol's encodings and the local master, directly, over HTTP
// and from a synchronous client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PyDict, PyList, PyTuple, PySet } from '../../python/value.ts';
import { dict2xml, marshal, pyToJs, slapObject, unmarshal, xml2dict } from '../../slap/marshal.ts';
import { LocalMaster } from '../../slapos/master/local.ts';
import { serveMaster } from '../../slapos/master/server.ts';
import { HttpMaster } from '../../slap/client.ts';
import { withTree } from '../helpers/files.ts';

test('xml_marshaller: the documented ComputerPartition shape, round trips, double escaping', () => {
  const o = slapObject('ComputerPartition', { _parameter_dict: PyDict.fromObject({ foo: 'bar' }) }, ['COMP123', 'slappart345', null]);
  assert.equal(
    marshal(o),
    '<marshal><object id="i2" module="slapos.slap.slap" class="ComputerPartition"><tuple><string>COMP123</string><string>slappart345</string><none/></tuple><dictionary id="i3"><string>_parameter_dict</string><dictionary id="i4"><string>foo</string><string>bar</string></dictionary></dictionary></object></marshal>',
  );
  const v = PyDict.fromObject({ b: new PyList(['x', 1n, 2.5, true, null, new PyTuple(['t'])]), a: 'a < b & c', s: new PySet(['q']) });
  const text = marshal(v);
  assert.match(text, /<string>a &amp;lt; b &amp;amp; c<\/string>/);
  assert.match(text, /<dictionary id="i2"><string>a<\/string>/, 'keys sorted');
  assert.deepEqual(pyToJs(unmarshal(text)), { a: 'a < b & c', b: ['x', 1, 2.5, true, null, ['t']], s: ['q'] });
  assert.equal(marshal(''), '<marshal><string/></marshal>');
  assert.equal(unmarshal('<marshal><string/></marshal>'), '');
  assert.throws(() => unmarshal('<marshal><object id="i2" module="os" class="system"><tuple/><dictionary id="i3"/></object></marshal>'), /refusing/);
});

test('dict2xml / xml2dict: every value a string, keys sorted', () => {
  const xml = dict2xml(PyDict.fromObject({ z: 1n, a: 'x&y', e: '' }));
  assert.equal(xml, `<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id="a">x&amp;y</parameter>\n  <parameter id="e"/>\n  <parameter id="z">1</parameter>\n</instance>\n`);
  assert.deepEqual(pyToJs(xml2dict(xml)), { a: 'x&y', e: null, z: '1' });
});

test('local master: requests allocate and reuse partitions, parameters as strings, timestamps bump on change only, shared instances attach', async () => {
  await withTree({}, async (dir) => {
    const m = await LocalMaster.open(join(dir, 'master.db'));
    try {
      m.format(3);
      const a = m.request({ softwareRelease: '/sr/a.cfg', title: 'one', parameters: PyDict.fromObject({ n: 3n }) });
      assert.equal(a.instance!.attr('slap_computer_partition_id'), 'slappart0');
      const t0 = m.partition('local', 'slappart0').timestamp;
      m.request({ softwareRelease: '/sr/a.cfg', title: 'one', parameters: PyDict.fromObject({ n: 3n }) });
      assert.equal(m.partition('local', 'slappart0').timestamp, t0, 'same request, same timestamp');
      m.request({ softwareRelease: '/sr/a.cfg', title: 'one', parameters: PyDict.fromObject({ n: 4n }) });
      assert.ok(m.partition('local', 'slappart0').timestamp > t0);
      const child = m.request({ softwareRelease: '/sr/b.cfg', title: 'child', partitionId: 'slappart0', softwareType: 'kind' });
      assert.equal(child.instance!.attr('slap_computer_partition_id'), 'slappart1');
      const cp = m.computerPartition('local', 'slappart1');
      const params = cp.attr('_parameter_dict') as PyDict;
      assert.equal(params.get('root_instance_title'), 'one');
      assert.equal(params.get('slap_software_type'), 'kind');
      assert.deepEqual(pyToJs(params.get('ip_list')!), [['lo', '127.0.1.2'], ['lo', '::1']]);
      assert.deepEqual(pyToJs(m.computerPartition('local', 'slappart0').attr('_parameter_dict')!), {
        n: '4', ip_list: [['lo', '127.0.1.1'], ['lo', '::1']], full_address_list: [], slap_software_type: 'default', instance_title: 'one',
        root_instance_title: 'one', slap_computer_id: 'local', slap_computer_partition_id: 'slappart0', slap_software_release_url: '/sr/a.cfg',
        slave_instance_list: [], timestamp: String(m.partition('local', 'slappart0').timestamp),
      });
      // publishing in the child bumps its requester
      const tp = m.partition('local', 'slappart0').timestamp;
      m.setConnection('local', 'slappart1', PyDict.fromObject({ url: 'http://x' }));
      assert.ok(m.partition('local', 'slappart0').timestamp > tp);
      assert.deepEqual(pyToJs(child.instance!.attr('_connection_dict')!), {});
      assert.deepEqual(pyToJs(m.request({ softwareRelease: '/sr/b.cfg', title: 'child', partitionId: 'slappart0', softwareType: 'kind' }).instance!.attr('_connection_dict')!), { url: 'http://x' });
      // shared
      assert.ok(m.request({ softwareRelease: '/sr/c.cfg', title: 'front', shared: true }).notReady);
      const s = m.request({ softwareRelease: '/sr/b.cfg', softwareType: 'kind', title: 'front', shared: true, parameters: PyDict.fromObject({ k: 'v' }) });
      assert.equal(s.instance!.attr('slap_computer_partition_id'), 'slappart1');
      assert.deepEqual(pyToJs((m.computerPartition('local', 'slappart1').attr('_parameter_dict') as PyDict).get('slave_instance_list')!), [{ k: 'v', slave_title: 'front', slap_software_type: 'kind', slave_reference: 'front' }]);
      // errors, bangs, states
      m.error('local', 'slappart0', 'boom');
      assert.equal(m.instanceInformation('one')!.error, 'boom');
      m.reportState('local', 'slappart0', 'started');
      assert.equal(m.instanceInformation('one')!.error, null);
      const tb = m.partition('local', 'slappart0').timestamp;
      m.bang('local', 'slappart0', 'died');
      assert.ok(m.partition('local', 'slappart0').timestamp > tb);
      assert.equal(m.instanceInformation('one')!.bang, 'died');
      assert.throws(() => m.request({ softwareRelease: '/sr/a.cfg', title: 'x' }) && m.request({ softwareRelease: '/sr/a.cfg', title: 'y' }), /no free partition/);
    } finally {
      m.close();
    }
  });
});

test('the master over HTTP: the async client speaks the SLAP protocol', async () => {
  await withTree({}, async (dir) => {
    const m = await LocalMaster.open(join(dir, 'master.db'));
    m.format(2);
    const serving = await serveMaster(m, '127.0.0.1', 0);
    try {
      const http = new HttpMaster(serving.url);
      const a = await http.request({ softwareRelease: '/sr/a.cfg', title: 'one', parameters: PyDict.fromObject({ name: 'World' }) });
      assert.equal(a.instance!.attr('slap_computer_partition_id'), 'slappart0');
      const info = await http.computerInformation('local');
      assert.equal((info.attr('_computer_partition_list') as PyList).items.length, 2);
      await http.setConnection('local', 'slappart0', PyDict.fromObject({ url: 'http://h' }));
      assert.deepEqual(pyToJs((await http.instanceInformation('one'))!.connection), { url: 'http://h' });
      assert.equal(await http.instanceInformation('nobody'), undefined);
    } finally {
      await serving.close();
      m.close();
    }
  });
});

