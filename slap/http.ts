// One HTTP exchange with a master, over node:http or node:https (fetch
// cannot present a client certificate: Node does not export undici's Agent).
// The same function serves the asynchronous client (client.ts) and the
// worker thread of the synchronous one (sync.ts), which runs its source
// text: `exchange` must stay self-contained (no import, no outer name; the
// modules come as its first argument).
import type * as Http from 'node:http';
import type * as Https from 'node:https';

/** What a call sends: everything resolved (the TLS material read from its files). */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** PEM texts: the client's key and certificate, and the CA the master's certificate must chain to. */
  tls?: { key?: string; cert?: string; ca?: string };
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export type HttpOutcome = HttpAnswer | { error: string; code?: string };

/**
 * Send `req`, following redirects as python-requests does (slapos.slap's
 * transport): 303, and 301/302 after a POST, become a GET without a body.
 * The master's certificate is verified only when a CA is given (slapos.slap
 * never verifies it).
 */
export function exchange(modules: { http: typeof Http; https: typeof Https }, req: HttpRequest, done: (outcome: HttpOutcome) => void): void {
  let finished = false;
  const finish = (o: HttpOutcome) => {
    if (!finished) {
      finished = true;
      done(o);
    }
  };
  const go = (url: string, method: string, body: string | undefined, hops: number) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ error: `not a URL: ${url}` });
      return;
    }
    const secure = target.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (body === undefined) delete headers['content-type'];
    else headers['content-length'] = String(Buffer.byteLength(body));
    const tls = req.tls ?? {};
    const options = secure
      ? { method, headers, timeout: req.timeoutMs, key: tls.key, cert: tls.cert, ca: tls.ca, rejectUnauthorized: tls.ca !== undefined }
      : // no TLS server name to compute: Node's agent would test the host against its IPv6 pattern (15–40 ms the first time)
        { method, headers, timeout: req.timeoutMs, servername: '' };
    const request = (secure ? modules.https : modules.http).request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e: Error) => finish({ error: e.message }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (location && [301, 302, 303, 307, 308].includes(status) && hops < 10) {
          const toGet = status === 303 || (method === 'POST' && (status === 301 || status === 302));
          go(new URL(location, target).toString(), toGet ? 'GET' : method, toGet ? undefined : body, hops + 1);
          return;
        }
        finish({ status, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${req.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    request.on('error', (e: Error & { code?: string }) => finish({ error: e.message, ...(e.code ? { code: e.code } : {}) }));
    if (body !== undefined) request.write(body);
    request.end();
  };
  go(req.url, req.method, req.body, 0);
}
