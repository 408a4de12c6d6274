// Certificates for HTTPS tests, made by openssl: a CA, a server
// certificate for 127.0.0.1, ::1 and localhost, a client certificate (the
// node's), all signed by the CA, and a second CA that signed nothing; and a
// TLS front (a Node https server) that requires a client certificate signed
// by the CA and forwards every request to a plain HTTP server, as a
// haproxy or nginx before `slapos proxy` would.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface Certificates {
  ca: KeyPair;
  server: KeyPair;
  client: KeyPair;
  /** A CA that signed neither the server's nor the client's certificate. */
  otherCa: KeyPair;
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version']).status === 0;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** Keys (P-256) and certificates in dir, valid two days. */
export function makeCertificates(dir: string): Certificates {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) => {
    openssl(dir, ['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=tsbuildout test ${name}`]);
    return { key: join(dir, `${name}.key`), cert: join(dir, `${name}.crt`) };
  };
  const signed = (name: string, cn: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext + '\n');
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
    return { key: join(dir, `${name}.key`), cert: join(dir, `${name}.crt`) };
  };
  const authority = ca('ca');
  return {
    ca: authority,
    server: signed('server', 'localhost', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth'),
    client: signed('client', 'COMP-test-node', 'extendedKeyUsage=clientAuth'),
    otherCa: ca('other-ca'),
  };
}

export interface TlsFront {
  url: string;
  /** How many requests came in with a valid client certificate, and how many were turned away. */
  served: number;
  refused: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 requiring a client certificate signed by certs.ca, forwarding to target (http://host:port). */
export function startTlsFront(certs: Certificates, target: string): Promise<TlsFront> {
  const to = new URL(target);
  const front: TlsFront = { url: '', served: 0, refused: 0, close: async () => undefined };
  const server = https.createServer(
    { key: readFileSync(certs.server.key), cert: readFileSync(certs.server.cert), ca: readFileSync(certs.ca.cert), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      if (!(req.socket as TLSSocket).authorized) {
        front.refused++;
        res.writeHead(403).end('client certificate required\n');
        return;
      }
      front.served++;
      // as a haproxy before the proxy: the scheme told in X-Forwarded-Proto (ProxyFix), the Host kept
      const headers = { ...req.headers, 'x-forwarded-proto': 'https' };
      const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (e) => res.writeHead(502).end(`front: ${e.message}\n`));
      req.pipe(upstream);
    },
  );
  server.on('tlsClientError', () => front.refused++);
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      front.url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
      front.close = () =>
        new Promise((res) => {
          server.closeAllConnections();
          server.close(() => res());
        });
      resolve(front);
    });
  });
}
