// The slapos.slap objects slap_tool.py builds from the database and
// marshals: a partition as ComputerPartition (partitiondict2partition) and
// a computer with its software releases and partitions (Computer). Their
// state dicts hold exactly the attributes the proxy's objects have, so that
// the marshalled documents are the proxy's.
import { PyDict, PyList, PyTuple, str } from '../../python/index.ts';
import { slapObject, unmarshal, xml2dict, type SlapObject } from '../../slap/marshal.ts';
import type { MasterDb, PartitionRow } from './db.ts';

/** SoftwareRelease(software_release, computer_guid): its __getinitargs__ and __dict__. */
function softwareRelease(url: string, computer: string, requestedState?: string): SlapObject {
  const state: Record<string, PyList | string> = { _software_instance_list: new PyList(), _software_release: url, _computer_guid: computer };
  if (requestedState !== undefined) state._requested_state = requestedState;
  return slapObject('SoftwareRelease', state, [url, computer]);
}

/** slap_tool.py partitiondict2partition */
export function computerPartition(m: MasterDb, p: PartitionRow): SlapObject {
  const computer = p.computer_reference;
  const state = new PyDict();
  state.set('_computer_id', computer);
  state.set('_partition_id', p.reference);
  state.set('_request_dict', null);
  state.set('_software_release_document', null);
  state.set('_requested_state', 'destroyed');
  state.set('_need_modification', 0n);
  state.set('_instance_guid', `${computer}-${p.reference}`);
  if (p.software_release) {
    state.set('_need_modification', 1n);
    state.set('_requested_state', p.requested_state);
    const parameters = xml2dict(p.xml);
    parameters.set('ip_list', new PyList(m.network(p.reference, computer).map((a) => new PyTuple([a.reference, a.address]))));
    parameters.set('full_address_list', new PyList());
    parameters.set('slap_software_type', p.software_type);
    parameters.set('instance_title', p.partition_reference);
    parameters.set('root_instance_title', p.requested_by || p.partition_reference);
    parameters.set('slap_computer_id', computer);
    parameters.set('slap_computer_partition_id', p.reference);
    parameters.set('slap_software_release_url', p.software_release);
    parameters.set('slave_instance_list', p.slave_instance_list !== null ? unmarshal(p.slave_instance_list) : new PyList());
    const timestamp = m.seenTimestamp(p);
    if (timestamp) parameters.set('timestamp', str(timestamp));
    state.set('_parameter_dict', parameters);
    state.set('_connection_dict', xml2dict(p.connection_xml));
    state.set('_software_release_document', softwareRelease(p.software_release, computer));
  }
  return slapObject('ComputerPartition', state, [computer, p.reference, null]);
}

/** slap_tool.py getFullComputerInformation's Computer (the caller checks that it may answer). */
export function computerDocument(m: MasterDb, computer: string): SlapObject {
  return slapObject(
    'Computer',
    {
      _computer_id: computer,
      _software_release_list: new PyList(m.software(computer).map((s) => softwareRelease(s.url, computer, s.requested_state))),
      _computer_partition_list: new PyList(m.partitions(computer).map((p) => computerPartition(m, p))),
    },
    [computer],
  );
}
