// The local master served over HTTP as `slapos proxy` serves it (a Flask
// application): the routes of slapos/proxy/slap_tool.py with their methods
// (GET calls read the query string, POST calls the url-encoded form, as
// Flask's request.args and request.form), /getRunId (views.py), the hateoas
// subset (hateoas.py), and Flask's answers around them: a missing argument
// is a 400, a failing view a 500, an unknown path a 404 and a wrong method
// a 405, with Werkzeug's pages. Plus tsbuildout's own: the real master's
// updateComputerPartitionRelatedInstanceList, and GET /tsbuildout/instance
// (JSON) that tsbuildout's client used before hateoas. Stricter than the
// proxy: each route says whose call it is (access.ts: a call on a
// partition is that partition's, or the administrator's), a request body
// larger than `maxBody` is refused (413) before it is read, and a document
// that is not xml_marshaller's is the caller's error (400), not the
// server's (500).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PyDict, PyList, PyTuple, truthy, type PyValue } from '../../python/index.ts';
import type { ComputerConfiguration } from '../../slap/api.ts';
import { dict2xml, marshal, unmarshal } from '../../slap/marshal.ts';
import type { RequestInput } from './db.ts';
import { errorPage, flaskJson, HttpFailure, redirectPage } from './flask.ts';
import { hateoasComputer, hateoasPartition, hateoasRoot, hateoasSearch, hateoasShared } from './hateoas.ts';
import type { LocalMaster } from './local.ts';
import type { Identity } from './access.ts';

interface Answer {
  status: number;
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

interface Call {
  /** request.args (the query string) */
  args: URLSearchParams;
  /** request.form (an url-encoded POST body) */
  form: URLSearchParams;
  /** request.host_url */
  hostUrl: string;
  /** A path argument of the route (<partition_reference> …). */
  param: string;
}

const text = (body: string): Answer => ({ status: 200, body });
const json = (value: PyValue): Answer => ({ status: 200, body: flaskJson(value), type: 'application/json' });

/** request.args[name] / request.form[name]: a missing one is Flask's 400. */
function need(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null) throw new HttpFailure(`missing argument ${name}`, 400);
  return v;
}

/** slapos.util.loads of an argument: a document that does not parse is the caller's error (400; the proxy fails: 500). */
function loads(textValue: string): PyValue {
  try {
    return unmarshal(textValue);
  } catch (e) {
    throw new HttpFailure(`not an xml_marshaller document: ${e instanceof Error ? e.message : String(e)}`, 400, 'The request holds a document that is not an xml_marshaller document.');
  }
}

function loadsDict(textValue: string, name: string): PyDict {
  const v = loads(textValue);
  if (!(v instanceof PyDict)) throw new HttpFailure(`${name} is not a marshalled dict`, 500);
  return v;
}

/** dict-like access of a loaded value: a missing key fails the view (a plain KeyError: 500). */
function item(d: PyValue | undefined, key: string): PyValue {
  const v = d instanceof PyDict ? d.get(key) : undefined;
  if (v === undefined) throw new HttpFailure(`KeyError: '${key}'`, 500);
  return v;
}

function items(v: PyValue): readonly PyValue[] {
  if (v instanceof PyList || v instanceof PyTuple) return v.items;
  throw new HttpFailure('not a list', 500);
}

/** loadComputerConfigurationFromXML: the computer dict of slapos/format.py, marshalled. */
function computerConfiguration(xml: string): ComputerConfiguration {
  const d = loads(xml);
  const partitions = items(item(d, 'partition_list')).map((p) => ({
    reference: String(item(p, 'reference')),
    // keep "or input_partition['reference']" for backward compatibility in webrunner
    interface: (() => {
      const name = item(item(p, 'tap'), 'name');
      return truthy(name) ? String(name) : String(item(p, 'reference'));
    })(),
    addresses: items(item(p, 'address_list')).map((a) => ({ addr: String(item(a, 'addr')), netmask: String(item(a, 'netmask')) })),
  }));
  const address = item(d, 'address');
  const netmask = item(d, 'netmask');
  return { reference: String(item(d, 'reference')), address: address === null ? null : String(address), netmask: netmask === null ? null : String(netmask), partitions };
}

/**
 * Whose call a route is: anyone's, the administrator's, or a partition's
 * (the computer and partition its arguments name, and the shared instance
 * it writes for); a partition's call without them is the administrator's.
 */
type Scope = 'anyone' | 'admin' | ((c: Call) => { computer: string | null; partition: string | null; slave?: string | null });

interface Route {
  view: (c: Call) => Answer | Promise<Answer>;
  scope: Scope;
}

type Routes = Map<string, Record<string, Route>>;

/** A partition's call named by these arguments of the query string or the form. */
function partitionArgs(where: 'args' | 'form', computer: string, partition: string, slave?: string): Scope {
  return (c) => {
    const p = where === 'args' ? c.args : c.form;
    return { computer: p.get(computer), partition: p.get(partition), ...(slave ? { slave: p.get(slave) } : {}) };
  };
}

/** The routes: path → method → view, with the scope of each. */
function routes(master: LocalMaster): Routes {
  const r: Routes = new Map();
  const get = (path: string, view: Route['view'], scope: Scope = 'admin') => r.set(path, { GET: { view, scope } });
  const post = (path: string, view: Route['view'], scope: Scope = 'admin') => r.set(path, { POST: { view, scope } });
  const ignored = () => text('Ignored');
  const partitionForm = partitionArgs('form', 'computer_id', 'computer_partition_id');

  // slap_tool.py
  get('/getComputerInformation', (c) => text(marshal(master.computerInformation(need(c.args, 'computer_id')))));
  get('/getFullComputerInformation', (c) => text(marshal(master.computerInformation(need(c.args, 'computer_id')))));
  get(
    '/registerComputerPartition',
    (c) => {
      const partition = need(c.args, 'computer_partition_reference');
      return text(marshal(master.registerPartition(need(c.args, 'computer_reference'), partition)));
    },
    partitionArgs('args', 'computer_reference', 'computer_partition_reference'),
  );
  post('/setComputerPartitionConnectionXml', (c) => {
    const slave = c.form.get('slave_reference');
    const partition = need(c.form, 'computer_partition_id');
    const computer = need(c.form, 'computer_id');
    const connection = loadsDict(need(c.form, 'connection_xml'), 'connection_xml');
    return text(master.setConnection(computer, partition, connection, slave));
  }, partitionArgs('form', 'computer_id', 'computer_partition_id', 'slave_reference'));
  post('/buildingSoftwareRelease', ignored);
  post('/destroyedSoftwareRelease', (c) => {
    const computer = need(c.form, 'computer_id');
    return text(master.destroyedSoftware(need(c.form, 'url'), computer));
  });
  post('/availableSoftwareRelease', ignored);
  post('/softwareReleaseError', ignored);
  post('/softwareInstanceError', (c) => {
    // the proxy reads nothing; tsbuildout keeps the error when it can tell whose it is
    const computer = c.form.get('computer_id');
    const partition = c.form.get('computer_partition_id');
    if (computer !== null && partition !== null) return text(master.error(computer, partition, c.form.get('error_log') ?? '', c.form.get('slave_reference')));
    return text('Ignored');
  }, partitionArgs('form', 'computer_id', 'computer_partition_id', 'slave_reference'));
  post('/softwareInstanceBang', (c) => {
    const computer = need(c.form, 'computer_id');
    const partition = need(c.form, 'computer_partition_id');
    return text(master.bang(computer, partition, c.form.get('message') ?? ''));
  }, partitionForm);
  for (const state of ['started', 'stopped'] as const) {
    post(`/${state}ComputerPartition`, (c) => {
      const computer = c.form.get('computer_id');
      const partition = c.form.get('computer_partition_id');
      if (computer !== null && partition !== null) return text(master.reportState(computer, partition, state));
      return text('Ignored');
    }, partitionForm);
  }
  post('/destroyedComputerPartition', (c) => {
    const partition = need(c.form, 'computer_partition_id');
    return text(master.destroyed(need(c.form, 'computer_id'), partition));
  }, partitionForm);
  post('/useComputer', ignored);
  post('/loadComputerConfigurationFromXML', (c) => text(master.loadComputerConfiguration(computerConfiguration(need(c.form, 'xml')))));
  post('/supplySupply', (c) => {
    const url = need(c.form, 'url');
    const computer = need(c.form, 'computer_id');
    return text(master.supply(url, computer, need(c.form, 'state')));
  });
  post('/requestComputerPartition', async (c) => {
    const f = c.form;
    const computer = f.get('computer_id');
    const partition = f.get('computer_partition_id');
    const requestedBy = master.requesterOf(computer, partition);
    const softwareRelease = need(f, 'software_release');
    const softwareType = need(f, 'software_type');
    const title = need(f, 'partition_reference');
    // a missing document fails in the proxy (its default is bytes, .encode fails): 500
    const doc = (name: string) => {
      const v = f.get(name);
      if (v === null) throw new HttpFailure(`missing ${name}`, 500);
      return loads(v);
    };
    const parameters = doc('partition_parameter_xml');
    const filter = doc('filter_xml');
    const state = loads(need(f, 'state'));
    const shared = doc('shared_xml');
    if (!(parameters instanceof PyDict) || !(filter instanceof PyDict)) throw new HttpFailure('partition_parameter_xml and filter_xml must be dicts', 500);
    const input: RequestInput = {
      requestedBy,
      requester: computer !== null && partition !== null && master.m.partition(partition, computer) ? { computer, partition } : undefined,
      softwareRelease,
      softwareType,
      title,
      parameters,
      filter,
      state,
      shared: truthy(shared),
    };
    const outcome = await master.request(input);
    // a shared instance with no host yet: not ready, as the real master answers (the proxy: 404)
    if (outcome.notReady !== undefined) return { status: 408, body: errorPage(408, outcome.notReady) };
    return text(marshal(outcome.instance!));
  }, partitionForm);
  post('/softwareInstanceRename', (c) => {
    const newName = need(c.form, 'new_name');
    const partition = need(c.form, 'computer_partition_id');
    return text(master.rename(need(c.form, 'computer_id'), partition, newName));
  }, partitionForm);
  get('/getComputerPartitionStatus', () => text(marshal('Not implemented.')), partitionArgs('args', 'computer_id', 'computer_partition_id'));
  post('/computerBang', () => text(marshal('')));
  get('/getComputerPartitionCertificate', () => text(marshal(PyDict.fromObject({ certificate: '', key: '' }))), partitionArgs('args', 'computer_id', 'computer_partition_id'));
  get(
    '/getSoftwareReleaseListFromSoftwareProduct',
    (c) => text(marshal(master.softwareReleaseList(c.args.get('software_product_reference'), c.args.get('software_release_url')))),
    (c) => ({ computer: c.args.get('computer_id'), partition: c.args.get('computer_partition_id') }),
  );
  // views.py: a master asks another whether it is itself
  get('/getRunId', () => text(master.runId), 'anyone');
  // hateoas.py
  get('/hateoas/', (c) => {
    const mode = c.args.get('mode');
    if (mode === null) return json(hateoasRoot(c.hostUrl));
    if (mode === 'search') return json(hateoasSearch(master.m, need(c.args, 'query')));
    if (mode === 'traverse') {
      const { body, location } = redirectPage(need(c.args, 'relative_url'));
      return { status: 302, body, headers: { location } };
    }
    throw new HttpFailure(`Unhandled mode: ${mode}`, 400, `Unhandled mode: ${mode}`);
  });
  get('/hateoas/partitions/<>', (c) => json(hateoasPartition(master.m, c.param)));
  get('/hateoas/shared/<>', (c) => json(hateoasShared(master.m, c.param)));
  get('/hateoas/computers/<>', (c) => json(hateoasComputer(master.m, c.param)));
  // the real SlapOS master's, not the proxy's
  post('/updateComputerPartitionRelatedInstanceList', (c) => {
    const l = c.form.get('instance_reference_xml') ? loads(c.form.get('instance_reference_xml')!) : new PyList();
    master.relatedInstances(need(c.form, 'computer_id'), need(c.form, 'computer_partition_id'), l instanceof PyList || l instanceof PyTuple ? l.items.map(String) : []);
    return text('');
  }, partitionForm);
  // tsbuildout's own (JSON), for clients that predate hateoas
  get('/tsbuildout/instance', (c) => {
    const title = need(c.args, 'title');
    const info = master.instanceInformation(title);
    if (!info) return { status: 404, body: JSON.stringify({ error: `no instance ${title}` }), type: 'application/json' };
    return { status: 200, body: JSON.stringify({ ...info, parameters: dict2xml(info.parameters), connection: dict2xml(info.connection) }), type: 'application/json' };
  });
  return r;
}

/** The route of a path: exact, or one segment after a prefix (`<>`). Werkzeug matches the decoded path. */
function match(table: Routes, path: string): { views: Record<string, Route>; param: string } | undefined {
  const exact = table.get(path);
  if (exact) return { views: exact, param: '' };
  const m = /^(\/hateoas\/(?:partitions|shared|computers)\/)([^/]+)$/.exec(path);
  if (m) {
    const views = table.get(m[1] + '<>');
    if (views) return { views, param: m[2]! };
  }
  return undefined;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The default largest request body (bytes): instance parameters are kilobytes. */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** The body, or undefined when it is larger than `max` (what came is dropped as it comes). */
async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface ServeOptions {
  onChange?: () => void;
  log?: (line: string) => void;
  /** The largest request body accepted (bytes). */
  maxBody?: number;
}

/** Whether an identity may make a call of this scope (else the answer: 401 or 403). */
function allowed(master: LocalMaster, who: Identity, scope: Scope, c: Call): 401 | 403 | true {
  if (scope === 'anyone' || who.kind === 'admin' || master.access.policy === 'open') return true;
  if (who.kind === 'anonymous') return 401;
  if (scope === 'admin') return 403;
  const target = scope(c);
  if (target.computer !== who.computer || target.partition !== who.partition) return 403;
  // a shared instance is written by the partition that hosts it
  if (target.slave && target.slave !== 'None') {
    const shared = master.m.slave(target.slave);
    if (shared && (shared.hosted_by !== who.partition || shared.computer_reference !== who.computer)) return 403;
  }
  return true;
}

export function handle(master: LocalMaster, o: ServeOptions = {}) {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const maxBody = o.maxBody ?? DEFAULT_MAX_BODY;
  const table = routes(master);
  const computersOf = (partition: string) => master.m.computersWithPartition(partition);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (a: Answer) => {
      const body = req.method === 'HEAD' ? '' : a.body;
      res.writeHead(a.status, { 'content-type': a.type ?? 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...a.headers });
      res.end(body);
    };
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = decodePath(q < 0 ? rawUrl : rawUrl.slice(0, q));
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    // ProxyFix(x_proto=1): a front that speaks https says so
    const scheme = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0]!.trim() || 'http';
    const hostUrl = `${scheme}://${req.headers.host ?? 'localhost'}/`;
    try {
      const body = await readBody(req, maxBody);
      if (body === undefined) {
        // the rest is not read: the connection closes after the answer
        res.setHeader('connection', 'close');
        send({ status: 413, body: errorPage(413) });
        req.destroy();
        return;
      }
      if (path === '/hateoas') {
        // Werkzeug's strict slashes: a permanent redirect to the rule's URL
        const { body: page, location } = redirectPage(`${hostUrl}hateoas/${query ? '?' + query : ''}`);
        return send({ status: 308, body: page, headers: { location } });
      }
      const route = match(table, path);
      if (!route) return send({ status: 404, body: errorPage(404) });
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const methods = Object.keys(route.views);
      const allow = [...new Set([...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].sort().join(', ');
      if (method === 'OPTIONS') return send({ status: 200, body: '', headers: { allow } });
      const view = route.views[method];
      if (!view) return send({ status: 405, body: errorPage(405), headers: { allow } });
      const type = String(req.headers['content-type'] ?? '');
      const form = new URLSearchParams(method === 'POST' && type.startsWith('application/x-www-form-urlencoded') ? body : '');
      const call: Call = { args: new URLSearchParams(query), form, hostUrl, param: route.param };
      const verdict = allowed(master, master.access.identify(req.headers.authorization, computersOf), view.scope, call);
      if (verdict === 401) return send({ status: 401, body: errorPage(401), headers: { 'www-authenticate': 'Basic realm="tsbuildout master"' } });
      if (verdict === 403) return send({ status: 403, body: errorPage(403) });
      const answer = await view.view(call);
      if (method === 'POST') o.onChange?.();
      send(answer);
    } catch (e) {
      if (e instanceof HttpFailure && e.status !== 500) return send({ status: e.status, body: errorPage(e.status, e.description) });
      log(`Error on request ${req.method} ${rawUrl}: ${e instanceof Error ? e.message : String(e)}`);
      send({ status: 500, body: errorPage(500) });
    }
  };
}

export interface Serving {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serve the master on host:port (port 0: any free port). */
export function serveMaster(master: LocalMaster, host: string, port: number, o: ServeOptions = {}): Promise<Serving> {
  const serve = handle(master, o);
  const server = createServer((req, res) => void serve(req, res));
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        server,
        url: `http://${h}:${a.port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
