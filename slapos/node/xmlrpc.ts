// A minimal XML-RPC client over a Unix socket: how tsbuildout drives
// supervisord (its `supervisor.*` interface), as slapgrid does.
import { request, type RequestOptions } from 'node:http';
import { childElements, parseXml, textOf, xmlEscape, type XmlElement } from '../../slap/xml.ts';

export type RpcValue = string | number | boolean | null | RpcValue[] | { [k: string]: RpcValue };

export class RpcFault extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function encode(v: RpcValue): string {
  if (v === null) return '<value><nil/></value>';
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
  if (typeof v === 'string') return `<value><string>${xmlEscape(v)}</string></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(encode).join('')}</data></array></value>`;
  return `<value><struct>${Object.entries(v)
    .map(([k, x]) => `<member><name>${xmlEscape(k)}</name>${encode(x)}</member>`)
    .join('')}</struct></value>`;
}

function decode(value: XmlElement): RpcValue {
  const [typed] = childElements(value);
  if (!typed) return textOf(value);
  switch (typed.name) {
    case 'string':
      return textOf(typed);
    case 'int':
    case 'i4':
    case 'i8':
      return Number(textOf(typed));
    case 'double':
      return Number(textOf(typed));
    case 'boolean':
      return textOf(typed).trim() === '1';
    case 'nil':
      return null;
    case 'array': {
      const data = childElements(typed).find((e) => e.name === 'data');
      return data ? childElements(data).map(decode) : [];
    }
    case 'struct': {
      const out: Record<string, RpcValue> = {};
      for (const m of childElements(typed)) {
        const name = childElements(m).find((e) => e.name === 'name');
        const v = childElements(m).find((e) => e.name === 'value');
        if (name && v) out[textOf(name)] = decode(v);
      }
      return out;
    }
    default:
      return textOf(typed);
  }
}

export function rpcCall(socketPath: string, method: string, params: RpcValue[] = [], timeoutMs = 30_000): Promise<RpcValue> {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params.map((p) => `<param>${encode(p)}</param>`).join('')}</params></methodCall>`;
  return new Promise((resolve, reject) => {
    // servername '': over a socket there is no TLS name for Node's agent to compute (it tests the host against its IPv6 pattern, 15–40 ms the first time)
    const req = request({ socketPath, path: '/RPC2', method: 'POST', headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs, servername: '' } as RequestOptions, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const doc = parseXml(Buffer.concat(chunks).toString('utf8'));
          const fault = childElements(doc).find((e) => e.name === 'fault');
          if (fault) {
            const f = decode(childElements(fault)[0]!) as { faultCode: number; faultString: string };
            reject(new RpcFault(f.faultCode, f.faultString));
            return;
          }
          const params = childElements(doc).find((e) => e.name === 'params');
          const param = params && childElements(params)[0];
          const value = param && childElements(param)[0];
          resolve(value ? decode(value) : null);
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`supervisord did not answer ${method} in time`)));
    req.on('error', reject);
    req.end(body);
  });
}
