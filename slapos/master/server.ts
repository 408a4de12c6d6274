// The local master served over HTTP with the SLAP protocol (spec §3.8), as
// `slapos proxy` serves it: GET and POST calls with form-encoded arguments,
// xml_marshaller answers. Plus one JSON call of tsbuildout's own,
// GET /tsbuildout/instance?title=…, for `tsbuildout show`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PyDict, PyList, PyTuple } from '../../python/value.ts';
import { dict2xml, marshal, unmarshal } from '../../slap/marshal.ts';
import { MasterError } from '../../slap/api.ts';
import { DEFAULT_COMPUTER, type LocalMaster } from './local.ts';

async function form(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  if (req.method !== 'POST') return url.searchParams;
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  for (const [k, v] of url.searchParams) if (!body.has(k)) body.set(k, v);
  return body;
}

function need(f: URLSearchParams, ...names: string[]): string {
  for (const n of names) {
    const v = f.get(n);
    if (v !== null) return v;
  }
  throw new MasterError(`missing argument ${names[0]}`);
}

function dictArg(f: URLSearchParams, name: string): PyDict {
  const text = f.get(name);
  if (!text) return new PyDict();
  const v = unmarshal(text);
  if (!(v instanceof PyDict)) throw new MasterError(`${name} is not a marshalled dict`);
  return v;
}

export function handle(master: LocalMaster, onChange?: () => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: string, type = 'text/xml; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    try {
      const f = await form(req, url);
      const computer = () => f.get('computer_id') || f.get('computer_reference') || DEFAULT_COMPUTER;
      const partition = () => need(f, 'computer_partition_id', 'computer_partition_reference');
      const done = () => {
        onChange?.();
        send(200, '');
      };
      switch (url.pathname) {
        case '/registerComputerPartition':
          return send(200, marshal(master.computerPartition(computer(), partition())));
        case '/getFullComputerInformation':
        case '/getComputerInformation':
          return send(200, marshal(master.computerInformation(computer())));
        case '/requestComputerPartition': {
          const shared = f.get('shared_xml') ? unmarshal(f.get('shared_xml')!) === true : false;
          const state = f.get('state') ? unmarshal(f.get('state')!) : null;
          const answer = master.request({
            computerId: f.get('computer_id'),
            partitionId: f.get('computer_partition_id'),
            softwareRelease: need(f, 'software_release'),
            softwareType: f.get('software_type'),
            title: need(f, 'partition_reference'),
            shared,
            parameters: dictArg(f, 'partition_parameter_xml'),
            filter: dictArg(f, 'filter_xml'),
            state: typeof state === 'string' ? state : null,
          });
          onChange?.();
          if (answer.notReady !== undefined) return send(408, answer.notReady, 'text/plain; charset=utf-8');
          return send(200, marshal(answer.instance!));
        }
        case '/setComputerPartitionConnectionXml': {
          const d = unmarshal(need(f, 'connection_xml'));
          master.setConnection(computer(), partition(), d instanceof PyDict ? d : new PyDict(), f.get('slave_reference') || null);
          return done();
        }
        case '/softwareInstanceError':
          master.error(computer(), partition(), f.get('error_log') ?? f.get('message') ?? '', f.get('slave_reference') || null);
          return done();
        case '/softwareInstanceBang':
          master.bang(computer(), partition(), f.get('message') ?? '');
          return done();
        case '/startedComputerPartition':
          master.reportState(computer(), partition(), 'started');
          return done();
        case '/stoppedComputerPartition':
          master.reportState(computer(), partition(), 'stopped');
          return done();
        case '/destroyedComputerPartition':
          master.free(computer(), partition());
          return done();
        case '/updateComputerPartitionRelatedInstanceList': {
          const l = f.get('instance_reference_xml') ? unmarshal(f.get('instance_reference_xml')!) : new PyList();
          const titles = l instanceof PyList || l instanceof PyTuple ? l.items.map(String) : [];
          master.relatedInstances(computer(), partition(), titles);
          return done();
        }
        case '/getComputerPartitionCertificate':
          return send(200, marshal(PyDict.fromObject({ certificate: '', key: '' })));
        case '/supplySupply':
          master.supply(need(f, 'url'), computer(), f.get('state') ?? 'available');
          return done();
        case '/softwareReleaseError':
        case '/buildingSoftwareRelease':
        case '/availableSoftwareRelease':
        case '/destroyedSoftwareRelease':
          return done();
        case '/tsbuildout/instance': {
          const info = master.instanceInformation(need(f, 'title'));
          if (!info) return send(404, JSON.stringify({ error: `no instance ${f.get('title')}` }), 'application/json');
          return send(200, JSON.stringify({ ...info, parameters: dict2xml(info.parameters), connection: dict2xml(info.connection) }), 'application/json');
        }
        default:
          return send(404, `unknown call ${url.pathname}`, 'text/plain; charset=utf-8');
      }
    } catch (e) {
      const status = e instanceof MasterError ? e.status : 500;
      send(status, e instanceof Error ? e.message : String(e), 'text/plain; charset=utf-8');
    }
  };
}

export interface Serving {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serve the master on host:port (port 0: any free port). */
export function serveMaster(master: LocalMaster, host: string, port: number, onChange?: () => void): Promise<Serving> {
  const server = createServer((req, res) => void handle(master, onChange)(req, res));
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
