// A master reached over HTTP or HTTPS with the SLAP protocol (docs/slapos-node.md#the-slap-protocol):
// every call of slapos.slap (slapos/slap/slap.py) with its path, its method
// and its form fields as slapos.slap sends them — a None value sent as the
// string 'None' (slapos/slap/hateoas.py ConnectionHelper), `state` and
// `shared_xml` marshalled. `calls` builds them, `HttpMaster` sends them
// (the node, the commands), sync.ts sends the same ones synchronously (the
// recipes). Answers of calls that return nothing are not parsed: the proxy
// answers them with plain text ('done', 'OK', 'Ignored', "Supplied …").
import { readFileSync } from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { isIP } from 'node:net';
import { PyDict, PyList, type PyValue } from '../python/index.ts';
import { marshal, SlapObject, unmarshal, xml2dict } from './marshal.ts';
import { type ComputerConfiguration, type InstanceInformation, type MasterApi, MasterError, NotDestroyedYet, type RequestAnswer, type RequestArgs, type SoftwareReleaseState } from './api.ts';
import { exchange, type HttpAnswer, type HttpOutcome, type HttpRequest } from './http.ts';
import { instanceFromHateoas } from './hateoas.ts';

export type { HttpAnswer } from './http.ts';

export interface SlapCall {
  method: 'GET' | 'POST';
  path: string;
  form: Record<string, string>;
}

/** How to reach a master: its URL and, over HTTPS, the node's key and certificate and the master's CA. */
export interface MasterConnection {
  url: string;
  keyFile?: string | undefined;
  certFile?: string | undefined;
  /** Verify the master's certificate against this CA (slapos.slap never verifies it). */
  caFile?: string | undefined;
  /** The hateoas API (slapos.cfg's master_rest_url); default: getHateoasUrl, else <url>/hateoas as the proxy serves it. */
  restUrl?: string | undefined;
  timeoutMs?: number | undefined;
}

/** ConnectionHelper sends a None value as the string 'None' (kept for old proxies). */
const orNone = (v: string | null | undefined): string => v ?? 'None';

const GET = (path: string, form: Record<string, string>): SlapCall => ({ method: 'GET', path, form });
const POST = (path: string, form: Record<string, string>): SlapCall => ({ method: 'POST', path, form });

export const calls = {
  // slapos/slap/slap.py SlapConnectionHelper.getFullComputerInformation (getComputerInformation when the master lacks it)
  computer: (computer: string, legacy = false) => GET(legacy ? '/getComputerInformation' : '/getFullComputerInformation', { computer_id: computer }),
  // Computer.updateConfiguration, bang
  loadComputerConfiguration: (c: ComputerConfiguration) => POST('/loadComputerConfigurationFromXML', { xml: marshal(computerDict(c)) }),
  computerBang: (computer: string, message: string) => POST('/computerBang', { computer_id: computer, message }),
  // Supply.supply
  supply: (url: string, computer: string | null, state: string) => POST('/supplySupply', { url, computer_id: orNone(computer), state }),
  // SoftwareRelease.building, available, destroyed, error
  softwareReleaseState: (url: string, computer: string, state: SoftwareReleaseState) => POST(`/${state}SoftwareRelease`, { url, computer_id: computer }),
  softwareReleaseError: (url: string, computer: string, message: string) => POST('/softwareReleaseError', { url, computer_id: computer, error_log: message }),
  // ComputerPartition._fetchComputerPartitionInformation
  register: (computer: string, partition: string) => GET('/registerComputerPartition', { computer_reference: computer, computer_partition_reference: partition }),
  // ComputerPartition.request (from a partition) or OpenOrder.request (a person's)
  request: (a: RequestArgs): SlapCall => {
    const shared = marshal(a.shared ?? false);
    const parameters = marshal(a.parameters ?? new PyDict());
    const filter = marshal(a.filter ?? new PyDict());
    const state = marshal(a.state ?? null);
    const type = a.softwareType ?? 'default';
    if (a.partitionId) {
      return POST('/requestComputerPartition', {
        computer_id: orNone(a.computerId),
        computer_partition_id: a.partitionId,
        software_release: a.softwareRelease,
        software_type: type,
        partition_reference: a.title,
        shared_xml: shared,
        partition_parameter_xml: parameters,
        filter_xml: filter,
        state,
      });
    }
    return POST('/requestComputerPartition', {
      software_release: a.softwareRelease,
      partition_reference: a.title,
      partition_parameter_xml: parameters,
      filter_xml: filter,
      software_type: type,
      state,
      shared_xml: shared,
    });
  },
  // ComputerPartition.setConnectionDict: slave_reference always sent, 'None' when none
  setConnection: (computer: string, partition: string, d: PyDict, slave?: string | null) =>
    POST('/setComputerPartitionConnectionXml', { computer_id: computer, computer_partition_id: partition, connection_xml: marshal(d), slave_reference: orNone(slave) }),
  // ComputerPartition.error: slave_reference only when given
  error: (computer: string, partition: string, message: string, slave?: string | null) =>
    POST('/softwareInstanceError', { computer_id: computer, computer_partition_id: partition, error_log: message, ...(slave ? { slave_reference: slave } : {}) }),
  bang: (computer: string, partition: string, message: string) => POST('/softwareInstanceBang', { computer_id: computer, computer_partition_id: partition, message }),
  // ComputerPartition.started, stopped, destroyed
  state: (computer: string, partition: string, state: string) => POST(`/${state}ComputerPartition`, { computer_id: computer, computer_partition_id: partition }),
  rename: (computer: string, partition: string, newName: string, slave?: string | null) =>
    POST('/softwareInstanceRename', { computer_id: computer, computer_partition_id: partition, new_name: newName, ...(slave ? { slave_reference: slave } : {}) }),
  // ComputerPartition.setComputerPartitionRelatedInstanceList
  related: (computer: string, partition: string, titles: string[]) =>
    POST('/updateComputerPartitionRelatedInstanceList', { computer_id: computer, computer_partition_id: partition, instance_reference_xml: marshal(new PyList(titles)) }),
  // ComputerPartition.getCertificate
  certificate: (computer: string, partition: string) => GET('/getComputerPartitionCertificate', { computer_id: computer, computer_partition_id: partition }),
  // slap.initializeConnection
  hateoasUrl: () => GET('/getHateoasUrl', {}),
};

/**
 * The computer dict `slapos node format` marshals for
 * loadComputerConfigurationFromXML (slapos/format.py Computer, through
 * _getDict): what a master reads of it — the reference, the address and
 * netmask, and each partition's reference, addresses and tap name.
 */
export function computerDict(c: ComputerConfiguration): PyDict {
  return PyDict.fromObject({
    reference: c.reference,
    address: c.address,
    netmask: c.netmask,
    partition_list: new PyList(
      c.partitions.map((p) =>
        PyDict.fromObject({
          reference: p.reference,
          address_list: new PyList(p.addresses.map((a) => PyDict.fromObject({ addr: a.addr, netmask: a.netmask }))),
          tap: PyDict.fromObject({ name: p.interface ?? p.reference }),
        }),
      ),
    ),
  });
}

/**
 * net.isIP(s) === 6, asked only of a text with two colons and no `@`, as
 * every IPv6 address has: Node's IPv6 pattern costs 15–40 ms the first time
 * it runs, in a run whose master is at 127.0.0.1 or a name.
 */
function isIPv6(s: string): boolean {
  return !s.includes('@') && s.indexOf(':') !== s.lastIndexOf(':') && isIP(s) === 6;
}

/** A bare IPv6 host of a master URL gets its brackets (slapos/util.py _addIpv6Brackets). */
export function normaliseMasterUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!m || m[2]!.startsWith('[')) return url;
  const [, scheme, netloc, rest] = m as unknown as [string, string, string, string];
  // the whole netloc an address, else all but a last `:port`
  if (isIPv6(netloc)) return `${scheme}[${netloc}]${rest}`;
  const i = netloc.lastIndexOf(':');
  if (i > 0 && isIPv6(netloc.slice(0, i))) return `${scheme}[${netloc.slice(0, i)}]${netloc.slice(i)}${rest}`;
  return url;
}

/** A master URL for a message: the password of its userinfo (a partition's token) left out. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, '$1:***@');
}

/** The key, certificate and CA a connection presents and trusts, read from their files. */
export function tlsMaterial(c: MasterConnection): HttpRequest['tls'] {
  if (!c.keyFile && !c.certFile && !c.caFile) return undefined;
  const read = (what: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new MasterError(`cannot read the ${what} for the master at ${redactUrl(c.url)}: ${(e as Error).message}`, 503);
    }
  };
  return { key: read('key file', c.keyFile), cert: read('certificate file', c.certFile), ca: read('master CA file', c.caFile) };
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The request of a call (tls: what tlsMaterial read). */
export function httpRequest(c: MasterConnection, call: SlapCall, tls?: HttpRequest['tls']): HttpRequest {
  const root = normaliseMasterUrl(c.url).replace(/\/+$/, '');
  const query = new URLSearchParams(call.form).toString();
  const headers = { accept: '*/*', 'user-agent': 'tsbuildout' };
  const base = { headers, timeoutMs: c.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(tls ? { tls } : {}) };
  if (call.method === 'GET') return { ...base, url: `${root}${call.path}${query ? `?${query}` : ''}`, method: 'GET' };
  return { ...base, url: `${root}${call.path}`, method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: query };
}

const TLS_ERROR = /^(ERR_SSL|ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ECONNRESET$|EPROTO$)/;

/** A transport failure as slapos.slap reports it (ConnectionError, AuthenticationError). */
export function transportError(url: string, o: { error: string; code?: string }): MasterError {
  const tls = /^https:/i.test(url) && o.code !== undefined && TLS_ERROR.test(o.code);
  const hint = tls ? ' (check the node\'s key and certificate, and the master\'s CA)' : '';
  return new MasterError(`cannot reach the master at ${redactUrl(url)}: ${o.code && !o.error.includes(o.code) ? `${o.code}: ` : ''}${o.error}${hint}`, 503);
}

/** An answer's text for a message: the text of an HTML error page (Flask's abort), else the body. */
export function answerText(body: string): string {
  if (!/^\s*<(!doctype html|html)/i.test(body)) return body.trim();
  const p = /<p>([\s\S]*?)<\/p>/i.exec(body) ?? /<title>([\s\S]*?)<\/title>/i.exec(body);
  return (p ? p[1]! : body).replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
}

/** The error slapos.slap raises for an answer, if any (404 NotFoundError, 408 ResourceNotReady, others HTTPError). */
export function checkStatus(call: SlapCall, a: HttpAnswer): void {
  if (a.status >= 200 && a.status < 300) return;
  const name = call.path.slice(1);
  if (a.status === 404) throw new MasterError(`the master does not know this (${name}): ${answerText(a.body)}`, 404);
  if (a.status === 408) throw new MasterError(`the master is not ready (${name}): ${answerText(a.body)}`, 408);
  throw new MasterError(`the master answered ${a.status} to ${name}: ${answerText(a.body)}`, a.status);
}

/** The document of an answer (xml_marshaller). */
export function answerValue(call: SlapCall, a: HttpAnswer): PyValue {
  checkStatus(call, a);
  try {
    return unmarshal(a.body);
  } catch (e) {
    throw new MasterError(`the master's answer to ${call.path.slice(1)} is not an xml_marshaller document: ${(e as Error).message}: ${answerText(a.body).slice(0, 200)}`, 502);
  }
}

export function asSlapObject(v: PyValue | undefined, what: string): SlapObject {
  if (!(v instanceof SlapObject)) throw new MasterError(`the master did not answer a ${what}`, 502);
  return v;
}

/**
 * destroyedComputerPartition: the proxy answers 200 both when it freed the
 * partition ('OK') and when it keeps a root whose children are not
 * destroyed yet (slapos/proxy/db.py freePartitionFromDB: "Not destroying
 * yet because this partition has child partitions: …", the children then
 * requested destroyed); "Unknown partition …" is ignored as slapgrid does.
 */
export function checkDestroyed(call: SlapCall, a: HttpAnswer): void {
  checkStatus(call, a);
  if (a.body.startsWith('Not destroying yet')) throw new NotDestroyedYet(a.body.trim());
}

/** softwareInstanceRename answers "Unknown partition …" (200) for a partition it does not know. */
export function checkRenamed(call: SlapCall, a: HttpAnswer): void {
  checkStatus(call, a);
  if (a.body.startsWith('Unknown partition')) throw new MasterError(a.body.trim(), 404);
}

/** The partition's certificate and key (getComputerPartitionCertificate), '' when the master has none (the proxy). */
export function certificateOf(v: PyValue): { certificate: string; key: string } {
  const s = (k: string) => {
    const x = v instanceof PyDict ? v.get(k) : undefined;
    return typeof x === 'string' ? x : '';
  };
  return { certificate: s('certificate'), key: s('key') };
}

export class HttpMaster implements MasterApi {
  readonly connection: MasterConnection;
  private tls: HttpRequest['tls'] | null = null;
  private hateoas: Promise<string | undefined> | undefined;

  constructor(connection: string | MasterConnection) {
    this.connection = typeof connection === 'string' ? { url: connection } : connection;
  }

  get url() {
    return this.connection.url;
  }

  get description() {
    return `master at ${redactUrl(this.connection.url)}`;
  }

  /** One exchange (the TLS files are read once per client). */
  fetch(req: HttpRequest): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      // node:http and node:https (TLS) load only when a master is called: most runs never do
      const modules = { http: require('node:http') as typeof Http, https: require('node:https') as typeof Https };
      exchange(modules, req, (o: HttpOutcome) => ('error' in o ? reject(transportError(req.url, o)) : resolve(o)));
    });
  }

  send(call: SlapCall): Promise<HttpAnswer> {
    if (this.tls === null) this.tls = tlsMaterial(this.connection);
    return this.fetch(httpRequest(this.connection, call, this.tls));
  }

  private async value(call: SlapCall): Promise<PyValue> {
    return answerValue(call, await this.send(call));
  }

  private async nothing(call: SlapCall): Promise<void> {
    checkStatus(call, await this.send(call));
  }

  async computerInformation(computer: string) {
    let a = await this.send(calls.computer(computer));
    if (a.status === 404) a = await this.send(calls.computer(computer, true));
    return asSlapObject(answerValue(calls.computer(computer), a), 'Computer');
  }
  loadComputerConfiguration(c: ComputerConfiguration) {
    return this.nothing(calls.loadComputerConfiguration(c));
  }
  computerBang(computer: string, message: string) {
    return this.nothing(calls.computerBang(computer, message));
  }
  supply(url: string, computer: string, state: 'available' | 'destroyed' = 'available') {
    return this.nothing(calls.supply(url, computer, state));
  }
  softwareReleaseState(url: string, computer: string, state: SoftwareReleaseState) {
    return this.nothing(calls.softwareReleaseState(url, computer, state));
  }
  softwareReleaseError(url: string, computer: string, message: string) {
    return this.nothing(calls.softwareReleaseError(url, computer, message));
  }
  async register(computer: string, partition: string) {
    return asSlapObject(await this.value(calls.register(computer, partition)), 'ComputerPartition');
  }
  async request(args: RequestArgs): Promise<RequestAnswer> {
    const call = calls.request(args);
    const a = await this.send(call);
    if (a.status === 408) return { notReady: answerText(a.body) };
    return { instance: asSlapObject(answerValue(call, a), 'SoftwareInstance') };
  }
  setConnection(computer: string, partition: string, d: PyDict, slave?: string | null) {
    return this.nothing(calls.setConnection(computer, partition, d, slave));
  }
  error(computer: string, partition: string, message: string, slave?: string | null) {
    return this.nothing(calls.error(computer, partition, message, slave));
  }
  bang(computer: string, partition: string, message: string) {
    return this.nothing(calls.bang(computer, partition, message));
  }
  async reportState(computer: string, partition: string, state: 'started' | 'stopped' | 'destroyed') {
    const call = calls.state(computer, partition, state);
    const a = await this.send(call);
    if (state === 'destroyed') checkDestroyed(call, a);
    else checkStatus(call, a);
  }
  async rename(computer: string, partition: string, newName: string, slave?: string | null) {
    const call = calls.rename(computer, partition, newName, slave);
    checkRenamed(call, await this.send(call));
  }
  relatedInstances(computer: string, partition: string, titles: string[]) {
    return this.nothing(calls.related(computer, partition, titles));
  }
  async partitionCertificate(computer: string, partition: string) {
    return certificateOf(await this.value(calls.certificate(computer, partition)));
  }

  /** The hateoas API's URL: given, else getHateoasUrl, else <url>/hateoas (the proxy's, as slapos.slap.standalone configures it). */
  hateoasUrl(): Promise<string | undefined> {
    this.hateoas ??= (async () => {
      if (this.connection.restUrl) return this.connection.restUrl;
      // slap.initializeConnection: any failure of getHateoasUrl means no URL from the master
      const a = await this.send(calls.hateoasUrl()).catch(() => undefined);
      if (a && a.status === 200 && /^https?:\/\//.test(a.body.trim())) return a.body.trim();
      return `${normaliseMasterUrl(this.connection.url).replace(/\/+$/, '')}/hateoas`;
    })();
    return this.hateoas;
  }

  /** A GET of any URL with this connection's certificates (the hateoas navigator's requests). */
  async get(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    if (this.tls === null) this.tls = tlsMaterial(this.connection);
    return this.fetch({ url, method: 'GET', headers: { accept: '*/*', 'user-agent': 'tsbuildout', ...headers }, timeoutMs: this.connection.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(this.tls ? { tls: this.tls } : {}) });
  }

  /**
   * An instance tree's root (or a person's shared instance) by title,
   * through the hateoas API (slapos/slap/hateoas.py SlapHateoasNavigator):
   * raw_search, then traverse. A tsbuildout master also answers
   * GET /tsbuildout/instance?title= with what it alone knows (reported
   * state, errors, bangs, partition): added when present.
   */
  async instanceInformation(title: string): Promise<InstanceInformation | undefined> {
    const restUrl = await this.hateoasUrl();
    const [standard, extra] = await Promise.all([restUrl ? instanceFromHateoas((u, h) => this.get(u, h), restUrl, title) : Promise.resolve(undefined), this.tsbuildoutInstance(title)]);
    if (standard === undefined) return extra;
    if (!extra) return standard;
    // the hateoas answer wins for what both say
    return { ...extra, ...standard };
  }

  /** tsbuildout's extension, undefined when the master has none or does not know the title. */
  private async tsbuildoutInstance(title: string): Promise<InstanceInformation | undefined> {
    const a = await this.get(`${normaliseMasterUrl(this.connection.url).replace(/\/+$/, '')}/tsbuildout/instance?${new URLSearchParams({ title })}`).catch(() => undefined);
    if (!a || a.status !== 200) return undefined;
    try {
      const info = JSON.parse(a.body) as InstanceInformation & { parameters: string; connection: string };
      return { ...info, parameters: xml2dict(info.parameters), connection: xml2dict(info.connection) };
    } catch {
      return undefined;
    }
  }
}
