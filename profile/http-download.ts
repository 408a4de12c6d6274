// One HTTP(S) download, for everything tsbuildout fetches: remote extends
// (asynchronously), and what recipes and inline Python download
// (synchronously: recipe constructors are synchronous, so a worker thread
// runs the same function while the caller sleeps in Atomics.wait). Python's
// urllib as zc.buildout uses it is the model (docs/buildout-run.md#downloads):
// redirects followed, `socket-timeout` a limit on each wait for the server
// (here 60 s when unset: a silent server is never waited for forever), a
// body shorter than its Content-Length refused as urlretrieve refuses it
// ("retrieval incomplete: got only X out of Y bytes"), an HTTP error as
// "HTTP Error 404: Not Found". Messages are one line, never a stack.
import * as fs from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { SyncWorker, type WorkerModules } from './sync-worker.ts';

/** Seconds waited for the server when `socket-timeout` is not set. */
export const DEFAULT_SOCKET_TIMEOUT = 60;

export interface DownloadRequest {
  url: string;
  /** Write the body to this file (created or truncated); else it comes back in memory. */
  file?: string;
  /** Milliseconds of silence from the server before giving up. */
  timeoutMs: number;
  /** A larger body is refused. */
  maxBytes?: number;
}

export type DownloadOutcome = { bytes: number; body?: Buffer } | { error: string; code?: string };

/**
 * Download `req.url`. Self-contained (no import, no outer name: a worker
 * runs its source text); the modules come as the first argument.
 */
export function httpDownload(modules: WorkerModules, req: DownloadRequest, done: (outcome: DownloadOutcome) => void): void {
  let finished = false;
  let fd: number | undefined;
  const finish = (o: DownloadOutcome) => {
    if (finished) return;
    finished = true;
    if (fd !== undefined) modules.fs.closeSync(fd);
    done(o);
  };
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const go = (url: string, hops: number) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ error: `not a URL: ${url}` });
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      finish({ error: `unsupported URL scheme: ${target.protocol}` });
      return;
    }
    const request = (target.protocol === 'https:' ? modules.https : modules.http).get(target, { headers: { 'user-agent': 'tsbuildout', 'accept-encoding': 'identity' } }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (location && [301, 302, 303, 307, 308].includes(status)) {
        res.resume();
        if (hops >= 10) finish({ error: 'too many redirects' });
        else go(new URL(location, target).toString(), hops + 1);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        finish({ error: `HTTP Error ${status}: ${res.statusMessage ?? ''}`.trim(), code: String(status) });
        return;
      }
      const header = res.headers['content-length'];
      const expected = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
      if (expected !== undefined && req.maxBytes !== undefined && expected > req.maxBytes) {
        res.destroy();
        finish({ error: `larger than ${req.maxBytes} bytes (Content-Length ${expected})`, code: 'ETOOBIG' });
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      try {
        if (req.file !== undefined) fd = modules.fs.openSync(req.file, 'w', 0o600);
      } catch (e) {
        res.destroy();
        finish({ error: `cannot write ${req.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
        return;
      }
      const incomplete = () => (expected !== undefined ? `retrieval incomplete: got only ${bytes} out of ${expected} bytes` : `the connection closed after ${bytes} bytes`);
      res.on('data', (chunk: Buffer) => {
        if (finished) return;
        bytes += chunk.length;
        if (req.maxBytes !== undefined && bytes > req.maxBytes) {
          res.destroy();
          finish({ error: `larger than ${req.maxBytes} bytes`, code: 'ETOOBIG' });
          return;
        }
        if (fd !== undefined) modules.fs.writeSync(fd, chunk);
        else chunks.push(chunk);
      });
      res.on('aborted', () => finish({ error: incomplete(), code: 'EINCOMPLETE' }));
      res.on('error', () => finish({ error: incomplete(), code: 'EINCOMPLETE' }));
      res.on('end', () => {
        if (expected !== undefined && bytes < expected) finish({ error: incomplete(), code: 'EINCOMPLETE' });
        else finish(fd !== undefined ? { bytes } : { bytes, body: Buffer.concat(chunks) });
      });
    });
    request.setTimeout(req.timeoutMs, () => request.destroy(Object.assign(new Error(`timed out (no answer for ${seconds(req.timeoutMs)})`), { code: 'ETIMEDOUT' })));
    request.on('error', (e: Error & { code?: string }) => {
      const why = e.code === 'ETIMEDOUT' ? e.message : e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? `unknown host ${target.hostname}` : (e.code ?? e.message);
      finish({ error: why, ...(e.code ? { code: e.code } : {}) });
    });
  };
  go(req.url, 0);
}

/** The timeout of a `socket-timeout` value (seconds; empty or not positive: the default). */
export function timeoutMs(socketTimeout: string | number | undefined): number {
  const n = Number(socketTimeout);
  return (Number.isFinite(n) && n > 0 ? n : DEFAULT_SOCKET_TIMEOUT) * 1000;
}

/** httpDownload, awaited. */
export function downloadAsync(req: DownloadRequest): Promise<DownloadOutcome> {
  // node:http and node:https (TLS) take longer to load than most runs spend downloading: only when used
  const http = require('node:http') as typeof Http;
  const https = require('node:https') as typeof Https;
  return new Promise((resolve) => httpDownload({ http, https, fs }, req, resolve));
}

const worker = new SyncWorker<DownloadRequest, DownloadOutcome>(httpDownload);

/** httpDownload, synchronously (the caller's thread sleeps until it ends). */
export function downloadSync(req: DownloadRequest): DownloadOutcome {
  const outcome = worker.call(req);
  if (outcome && 'body' in outcome && outcome.body) outcome.body = Buffer.from(outcome.body);
  return outcome ?? { error: 'the download ended without an answer' };
}
