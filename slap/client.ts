// A master reached over HTTP with the SLAP protocol (spec §3.8): the calls
// of slapos.slap, each a GET or a POST of form-encoded arguments, values
// xml_marshaller-encoded. `slapCall` builds a call; `HttpMaster` sends them
// with fetch (the node, the commands); recipes send the same calls
// synchronously (sync.ts).
import { PyDict, PyList, type PyValue } from '../python/value.ts';
import { marshal, SlapObject, unmarshal, xml2dict } from './marshal.ts';
import { MasterError, type InstanceInformation, type MasterApi, type RequestAnswer, type RequestArgs } from './api.ts';

export interface SlapCall {
  method: 'GET' | 'POST';
  path: string;
  form: Record<string, string>;
}

export const calls = {
  register: (computer: string, partition: string): SlapCall => ({ method: 'GET', path: '/registerComputerPartition', form: { computer_reference: computer, computer_partition_reference: partition } }),
  computer: (computer: string): SlapCall => ({ method: 'GET', path: '/getFullComputerInformation', form: { computer_id: computer } }),
  request: (a: RequestArgs): SlapCall => ({
    method: 'POST',
    path: '/requestComputerPartition',
    form: {
      ...(a.computerId ? { computer_id: a.computerId } : {}),
      ...(a.partitionId ? { computer_partition_id: a.partitionId } : {}),
      software_release: a.softwareRelease,
      software_type: a.softwareType ?? 'default',
      partition_reference: a.title,
      shared_xml: marshal(a.shared ?? false),
      partition_parameter_xml: marshal(a.parameters ?? new PyDict()),
      filter_xml: marshal(a.filter ?? new PyDict()),
      state: marshal(a.state ?? 'started'),
    },
  }),
  setConnection: (computer: string, partition: string, d: PyDict, slave?: string | null): SlapCall => ({
    method: 'POST',
    path: '/setComputerPartitionConnectionXml',
    form: { computer_id: computer, computer_partition_id: partition, connection_xml: marshal(d), ...(slave ? { slave_reference: slave } : {}) },
  }),
  error: (computer: string, partition: string, message: string, slave?: string | null): SlapCall => ({
    method: 'POST',
    path: '/softwareInstanceError',
    form: { computer_id: computer, computer_partition_id: partition, error_log: message, ...(slave ? { slave_reference: slave } : {}) },
  }),
  bang: (computer: string, partition: string, message: string): SlapCall => ({ method: 'POST', path: '/softwareInstanceBang', form: { computer_id: computer, computer_partition_id: partition, message } }),
  state: (computer: string, partition: string, state: string): SlapCall => ({ method: 'POST', path: `/${state}ComputerPartition`, form: { computer_id: computer, computer_partition_id: partition } }),
  related: (computer: string, partition: string, titles: string[]): SlapCall => ({
    method: 'POST',
    path: '/updateComputerPartitionRelatedInstanceList',
    form: { computer_id: computer, computer_partition_id: partition, instance_reference_xml: marshal(new PyList(titles)) },
  }),
  supply: (url: string, computer: string): SlapCall => ({ method: 'POST', path: '/supplySupply', form: { url, computer_id: computer, state: 'available' } }),
};

export interface HttpAnswer {
  status: number;
  body: string;
}

/** The URL and fetch options of a call. */
export function httpRequest(base: string, call: SlapCall): { url: string; init: { method: string; headers?: Record<string, string>; body?: string } } {
  const root = base.replace(/\/+$/, '');
  const query = new URLSearchParams(call.form).toString();
  if (call.method === 'GET') return { url: `${root}${call.path}?${query}`, init: { method: 'GET' } };
  return { url: `${root}${call.path}`, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query } };
}

/** Turn an answer into a value, or the error slapos.slap raises. */
export function answerValue(call: SlapCall, a: HttpAnswer): PyValue | undefined {
  if (a.status === 408) return undefined;
  if (a.status === 404) throw new MasterError(`the master does not know this (${call.path}): ${a.body}`, 404);
  if (a.status !== 200) throw new MasterError(`the master answered ${a.status} to ${call.path}: ${a.body}`, a.status);
  // calls that return nothing are answered with plain text by the proxy
  // ('done', 'OK', 'Ignored', "Supplied '…' to be available"): not a document
  return a.body.trimStart().startsWith('<') ? unmarshal(a.body) : a.body;
}

export function asSlapObject(v: PyValue | undefined, what: string): SlapObject {
  if (!(v instanceof SlapObject)) throw new MasterError(`the master did not answer a ${what}`);
  return v;
}

export class HttpMaster implements MasterApi {
  constructor(readonly url: string) {}

  get description() {
    return `master at ${this.url}`;
  }

  async send(call: SlapCall): Promise<HttpAnswer> {
    const { url, init } = httpRequest(this.url, call);
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      throw new MasterError(`cannot reach the master at ${this.url}: ${(e as Error).cause ?? (e as Error).message}`, 503);
    }
    return { status: res.status, body: await res.text() };
  }

  private async value(call: SlapCall) {
    return answerValue(call, await this.send(call));
  }

  async computerInformation(computer: string) {
    return asSlapObject(await this.value(calls.computer(computer)), 'Computer');
  }
  async register(computer: string, partition: string) {
    return asSlapObject(await this.value(calls.register(computer, partition)), 'ComputerPartition');
  }
  async request(args: RequestArgs): Promise<RequestAnswer> {
    const call = calls.request(args);
    const a = await this.send(call);
    if (a.status === 408) return { notReady: a.body };
    return { instance: asSlapObject(answerValue(call, a), 'SoftwareInstance') };
  }
  async setConnection(computer: string, partition: string, d: PyDict, slave?: string | null) {
    await this.value(calls.setConnection(computer, partition, d, slave));
  }
  async error(computer: string, partition: string, message: string, slave?: string | null) {
    await this.value(calls.error(computer, partition, message, slave));
  }
  async bang(computer: string, partition: string, message: string) {
    await this.value(calls.bang(computer, partition, message));
  }
  async reportState(computer: string, partition: string, state: 'started' | 'stopped' | 'destroyed') {
    await this.value(calls.state(computer, partition, state));
  }
  async relatedInstances(computer: string, partition: string, titles: string[]) {
    await this.value(calls.related(computer, partition, titles));
  }
  async supply(url: string, computer: string) {
    await this.value(calls.supply(url, computer));
  }
  async instanceInformation(title: string): Promise<InstanceInformation | undefined> {
    const res = await fetch(`${this.url.replace(/\/+$/, '')}/tsbuildout/instance?${new URLSearchParams({ title })}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new MasterError(`the master answered ${res.status}: ${await res.text()}`, res.status);
    const info = (await res.json()) as InstanceInformation & { parameters: string; connection: string };
    return { ...info, parameters: xml2dict(info.parameters), connection: xml2dict(info.connection) };
  }
  private unsupported(call: string): Promise<never> {
    return Promise.reject(new MasterError(`${call} is not supported yet by tsbuildout's client`, 404));
  }
  loadComputerConfiguration() {
    return this.unsupported('loadComputerConfigurationFromXML');
  }
  async computerBang() {}
  async softwareReleaseState() {}
  async softwareReleaseError() {}
  rename() {
    return this.unsupported('softwareInstanceRename');
  }
}
