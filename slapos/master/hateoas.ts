// The hateoas subset of the proxy (slapos/proxy/hateoas.py): what `slapos
// service list|info` and `slapos computer list|info` ask (slapos.slap's
// SlapHateoasNavigator), and what `tsbuildout show` uses as the standard
// way to read an instance tree: the root document with its search and
// traverse links, searches for instance trees and computers, and the
// documents of a partition, a person's shared instance and a computer.
import { PyDict, PyList, type PyValue } from '../../python/index.ts';
import { dict2xml, unmarshal } from '../../slap/marshal.ts';
import type { ComputerRow, MasterDb, PartitionRow, SlaveRow } from './db.ts';
import { HttpFailure, urlQuote } from './flask.ts';

const SERVICE_LIST = 'portal_type:"Instance Tree" AND validation_state:validated';
const SERVICE_INFO = SERVICE_LIST + ' AND title:=';
const COMPUTER_LIST = 'portal_type:"Compute Node" AND validation_state:validated';
const COMPUTER_INFO = COMPUTER_LIST + ' AND reference:=';

const notFound = (what: string) => new HttpFailure(`no ${what}`, 404);

function rowDict(row: object): PyDict {
  return PyDict.fromObject(row as Record<string, PyValue>);
}

/** hateoas_root: the links, on the URL the master was reached by. */
export function hateoasRoot(hostUrl: string): PyDict {
  return PyDict.fromObject({
    _links: PyDict.fromObject({
      raw_search: PyDict.fromObject({ href: `${hostUrl}hateoas/?mode=search&query={query}&select_list={select_list}` }),
      traverse: PyDict.fromObject({ href: `${hostUrl}hateoas/?mode=traverse&relative_url={relative_url}&view={view}` }),
    }),
  });
}

function busyRootPartitions(m: MasterDb, title?: string): PyDict[] {
  return m.rootPartitions(title).map((row) => {
    const p = rowDict(row);
    p.set('url_string', row.software_release);
    p.set('title', row.partition_reference);
    p.set('relative_url', `/hateoas/partitions/${urlQuote(row.partition_reference ?? 'None')}`);
    return p;
  });
}

/** The entry of a shared instance in its host's slave_instance_list. */
function sharedEntry(host: PartitionRow, reference: string): PyDict | undefined {
  if (host.slave_instance_list === null) throw new HttpFailure(`the host ${host.reference} of ${reference} has no slave_instance_list`, 500);
  const list = unmarshal(host.slave_instance_list);
  for (const d of list instanceof PyList ? list.items : []) if (d instanceof PyDict && d.get('slave_reference') === reference) return d;
  return undefined;
}

function busyRootShared(m: MasterDb, title?: string): PyDict[] {
  const out: PyDict[] = [];
  for (const row of m.rootShared(title)) {
    const host = m.partitionAnywhere(row.hosted_by);
    if (!host || !sharedEntry(host, row.reference)) continue;
    const t = row.reference.slice(1);
    out.push(PyDict.fromObject({ url_string: host.software_release, title: t, relative_url: `/hateoas/shared/${urlQuote(t)}` }));
  }
  return out;
}

function computersList(m: MasterDb, reference?: string): PyDict[] {
  return m.computers(reference).map((row: ComputerRow) => {
    const c = rowDict(row);
    c.set('title', row.reference);
    c.set('relative_url', `/hateoas/computers/${urlQuote(row.reference)}`);
    return c;
  });
}

/** is_valid: a double-quoted string, backslash escapes allowed (hateoas.py; a value not starting with a quote fails there). */
function quoted(name: string): string | undefined {
  const m = /^"((\\.|[^\\"])*)"/.exec(name);
  if (!m) throw new HttpFailure(`not a quoted value: ${name}`, 500);
  return m[0] === name ? name.replace(/^"+|"+$/g, '') : undefined;
}

/** hateoas_search */
export function hateoasSearch(m: MasterDb, query: string): PyDict {
  let contents: PyDict[] | undefined;
  if (query === SERVICE_LIST) contents = [...busyRootPartitions(m), ...busyRootShared(m)];
  else if (query.startsWith(SERVICE_INFO)) {
    const title = quoted(query.slice(SERVICE_INFO.length));
    if (title !== undefined) {
      const partitions = busyRootPartitions(m, title);
      contents = partitions.length ? partitions : busyRootShared(m, title);
    }
  } else if (query === COMPUTER_LIST) contents = computersList(m);
  else if (query.startsWith(COMPUTER_INFO)) {
    const reference = quoted(query.slice(COMPUTER_INFO.length));
    if (reference !== undefined) contents = computersList(m, reference);
  }
  if (contents === undefined) throw new HttpFailure(`Unhandled query: ${query}`, 400, `Unhandled query: ${query}`);
  return PyDict.fromObject({ _embedded: PyDict.fromObject({ contents: new PyList(contents) }) });
}

function field(type: string, key: string, value: PyValue): PyDict {
  return PyDict.fromObject({ type, key, default: value });
}

/** hateoas_service_document */
function serviceDocument(kw: { reference: string | null; requested_state: string; xml: string | null; connection_xml: string | null; software_release: string | null; software_type: PyValue; shared: 0 | 1 }): PyDict {
  return PyDict.fromObject({
    _embedded: PyDict.fromObject({
      _view: PyDict.fromObject({
        form_id: field('StringField', 'form_id', 'InstanceTree_viewAsHateoas'),
        my_reference: field('StringField', 'field_my_reference', kw.reference),
        my_slap_state: field('StringField', 'field_my_slap_state', kw.requested_state),
        my_text_content: field('StringField', 'field_my_text_content', kw.xml),
        my_connection_parameter_list: field('StringField', 'field_my_connection_parameter_list', kw.connection_xml),
        my_url_string: field('StringField', 'field_my_url_string', kw.software_release),
        my_source_reference: field('StringField', 'field_my_source_reference', kw.software_type),
        my_root_slave: field('IntegerField', 'field_my_root_slave', BigInt(kw.shared)),
      }),
    }),
    _links: PyDict.fromObject({ type: PyDict.fromObject({ name: 'Instance Tree' }) }),
  });
}

/** /hateoas/partitions/<title>: the first partition holding an instance of that title. */
export function hateoasPartition(m: MasterDb, title: string): PyDict {
  const p = m.partitionByTitle(title);
  if (!p) throw notFound(`instance ${title}`);
  return serviceDocument({ ...p, reference: p.partition_reference, shared: 0 });
}

/** A person's shared instance: its parameters, type and release from its host's slave_instance_list. */
export function sharedInformation(m: MasterDb, shared: SlaveRow): { host: PartitionRow; parameters: PyDict; softwareType: PyValue } | undefined {
  const host = m.partitionAnywhere(shared.hosted_by);
  if (!host) return undefined;
  const entry = sharedEntry(host, shared.reference);
  if (!entry) return undefined;
  const parameters = entry.copy();
  parameters.delete('slave_title');
  parameters.delete('slave_reference');
  const softwareType = parameters.get('slap_software_type') ?? null;
  parameters.delete('slap_software_type');
  return { host, parameters, softwareType };
}

/** /hateoas/shared/<title>: a person's shared instance (reference `_<title>`). */
export function hateoasShared(m: MasterDb, title: string): PyDict {
  const shared = m.slave('_' + title);
  if (!shared) throw notFound(`shared instance ${title}`);
  const info = sharedInformation(m, shared);
  if (!info) throw notFound(`shared instance ${title}`);
  return serviceDocument({
    reference: title,
    requested_state: 'unused',
    xml: dict2xml(info.parameters),
    connection_xml: shared.connection_xml,
    software_release: info.host.software_release,
    software_type: info.softwareType,
    shared: 1,
  });
}

/** /hateoas/computers/<reference> */
export function hateoasComputer(m: MasterDb, reference: string): PyDict {
  const c = m.computer(reference);
  if (!c) throw notFound(`computer ${reference}`);
  return PyDict.fromObject({
    _embedded: PyDict.fromObject({
      _view: PyDict.fromObject({
        form_id: field('StringField', 'computer', c.reference),
        my_reference: field('StringField', 'reference', c.reference),
        my_title: field('StringField', 'reference', c.reference),
      }),
    }),
    _links: PyDict.fromObject({ type: PyDict.fromObject({ name: 'Computer' }) }),
  });
}
