// The promise plugins of slapos.toolbox (slapos/promise/plugin/) that
// instance profiles name, run natively by the node
// (docs/slapos-node.md#promise-plugins): each takes the plugin's
// extra_config_dict (the `config-*` options of its promise.plugin part) and
// the partition, and answers (ok, message) as the plugin's sense() would
// log it. Under the real slapgrid they run as Python with slapos.toolbox.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, statfsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { basename, join } from 'node:path';
import { rpcCall, RpcFault } from './xmlrpc.ts';

export type PluginConfig = Record<string, string>;
export type PluginResult = [ok: boolean, message: string];

/** What a plugin gets besides its configuration. */
export interface PluginContext {
  /** The partition directory. */
  partition: string;
  /** Runs a shell command in the partition (as its user), within the promise timeout. */
  shell(command: string): Promise<{ code: number | null; output: string; timedOut: boolean }>;
  timeoutMs: number;
}

const ERRNO_TEXT: Record<string, [string, number, string]> = {
  ECONNREFUSED: ['ConnectionRefusedError', 111, 'Connection refused'],
  ETIMEDOUT: ['TimeoutError', 110, 'Connection timed out'],
  ENOENT: ['FileNotFoundError', 2, 'No such file or directory'],
  EHOSTUNREACH: ['OSError', 113, 'No route to host'],
  EADDRNOTAVAIL: ['OSError', 99, 'Cannot assign requested address'],
};

/** check_socket_listening: a TCP (host, port), Unix (pathname) or abstract socket accepts a connection. */
function socketCheck(c: PluginConfig, ctx: PluginContext): Promise<PluginResult> {
  const host = c.host ?? '';
  const port = Number(c.port);
  const path = c.pathname || (c.abstract ? '\0' + c.abstract : '');
  const addr = path ? `'${c.pathname || c.abstract}'` : `('${host}', ${port})`;
  return new Promise((resolve) => {
    const s = path ? connect({ path }) : connect({ host, port });
    s.setTimeout(ctx.timeoutMs);
    s.once('connect', () => {
      s.destroy();
      resolve([true, `socket connection OK ${addr}`]);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve([false, 'TimeoutError: timed out']);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      const t = ERRNO_TEXT[e.code ?? ''];
      resolve([false, t ? `${t[0]}: [Errno ${t[1]}] ${t[2]}` : `${e.code ?? 'OSError'}: ${e.message}`]);
    });
  });
}

interface Answer {
  status: number;
}

/**
 * A GET as requests.get does it for check_url_available: redirects
 * followed (at most 30), the server's certificate verified only with
 * `verify` or a CA, a client certificate, basic authentication.
 */
function get(url: string, o: { timeoutMs: number; verify: boolean; ca?: Buffer; cert?: Buffer; key?: Buffer; auth?: string }, hops = 0): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new Error(`Invalid URL '${url}': No scheme supplied.`));
      return;
    }
    const tls = u.protocol === 'https:';
    if (!tls && u.protocol !== 'http:') {
      reject(new Error(`No connection adapters were found for '${url}'`));
      return;
    }
    const headers: Record<string, string> = { 'user-agent': 'python-requests (tsbuildout)' };
    if (o.auth) headers.authorization = 'Basic ' + Buffer.from(o.auth).toString('base64');
    const options = { method: 'GET', headers, timeout: o.timeoutMs, ...(tls ? { rejectUnauthorized: o.verify || !!o.ca, ...(o.ca ? { ca: o.ca } : {}), ...(o.cert ? { cert: o.cert } : {}), ...(o.key ? { key: o.key } : {}) } : {}) };
    // node:https (TLS) loads only when a promise checks a URL: an up-to-date run checks none
    const req = (tls ? (require('node:https') as typeof import('node:https')) : (require('node:http') as typeof import('node:http'))).request(u, options, (res: IncomingMessage) => {
      res.resume();
      const location = res.headers.location;
      if (location && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && hops < 30) {
        get(new URL(location, u).toString(), o, hops + 1).then(resolve, reject);
        return;
      }
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

const TLS_VERIFY = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT/;

/** check_url_available: the URL answers `http-code` (200), or anything with `ignore-code`. */
async function urlCheck(c: PluginConfig, ctx: PluginContext): Promise<PluginResult> {
  const url = c.url ?? '';
  const expected = Number(c['http-code'] || 200);
  // requests' timeout: the plugin's, else at most 5 s and less than the promise's
  const timeout = Number(c.timeout || Math.max(1, Math.min(5, Number(c['promise-timeout'] || 20) - 1))) * 1000;
  const read = (f: string | undefined) => (f ? readFileSync(f) : undefined);
  const ca = read(c['ca-cert-file']);
  const cert = c['cert-file'] && c['key-file'] ? read(c['cert-file']) : undefined;
  const key = cert ? read(c['key-file']) : undefined;
  const auth = c.username && c.password ? `${c.username}:${c.password}` : undefined;
  try {
    const r = await get(url, { timeoutMs: Math.min(timeout, ctx.timeoutMs), verify: Number(c.verify || 0) !== 0, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(auth ? { auth } : {}) });
    if (Number(c['ignore-code'] || 0) || r.status === expected) return [true, `'${url}' is available`];
    return [false, `'${url}' is not available (returned ${r.status}, expected ${expected}).`];
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (TLS_VERIFY.test(code)) return [false, `ERROR SSL verify failed while accessing '${url}'`];
    if (code === 'ETIMEDOUT') return [false, `ERROR Timeout while accessing '${url}'`];
    if (code) return [false, `ERROR connection not possible while accessing '${url}'`];
    return [false, `ERROR: ${(e as Error).message}`];
  }
}

/** check_command_execute: `command` exits 0 (its output is the failure's message). */
async function commandCheck(c: PluginConfig, ctx: PluginContext): Promise<PluginResult> {
  const r = await ctx.shell(c.command ?? 'false');
  if (r.timedOut) return [false, `Error: Promise timed out after ${ctx.timeoutMs / 1000} seconds`];
  return r.code === 0 ? [true, 'OK'] : [false, r.output.trim() || `Command ${JSON.stringify(c.command)} exited with status ${r.code}`];
}

/** check_file_state: `filename` is a file, `empty` or `not-empty` as `state` says. */
function fileCheck(c: PluginConfig): PluginResult {
  const file = c.filename ?? '';
  const state = c.state ?? '';
  let size: number;
  try {
    const s = statSync(file);
    if (!s.isFile()) return [false, `ERROR ${file} is not a file`];
    size = s.size;
  } catch (e) {
    return [false, `ERROR ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'FileNotFoundError' : 'OSError'} during opening file ${file}`];
  }
  if (state === 'empty') return size === 0 ? [true, `OK ${file} state ${state}`] : [false, `ERROR ${file} not empty${size ? `, content: ${readFileSync(file, 'utf8').slice(0, 200)}` : ''}`];
  if (state === 'not-empty') return size > 0 ? [true, `OK ${file} state ${state}`] : [false, `ERROR ${file} empty`];
  return [false, `ERROR unsupported state ${state}`];
}

/**
 * check_partition_deployment_state: the last buildout of the partition
 * did not fail, i.e. slapgrid left no `.slapgrid-<partition>-error.log`.
 */
function deploymentStateCheck(c: PluginConfig, ctx: PluginContext): PluginResult {
  const id = c['partition-id'] || basename(ctx.partition);
  const log = join(ctx.partition, `.slapgrid-${id}-error.log`);
  if (!existsSync(log) || statSync(log).size === 0) return [true, 'buildout is OK'];
  const monitor = c['monitor-url'];
  return [false, `Buildout failed to process ${id}.${monitor ? `\nSee ${monitor}/log/slapgrid-${id}-error.log for more information.` : ''}`];
}

/**
 * check_free_disk_space: the file system of the partition has more free
 * space than the threshold: `threshold-file` in MB (at least 200; 0
 * disables the check), else 1 GB. (The plugin reads the free space from
 * the monitor's collector database; the node reads it from the file
 * system, what that database records.)
 */
function freeDiskSpaceCheck(c: PluginConfig, ctx: PluginContext): PluginResult {
  let minimum = 1024 ** 3;
  const file = c['threshold-file'];
  if (file && existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (text === '0') return [true, 'Free disk space check is disabled\n set a number up to 0 to enable!'];
    if (/^\d+$/.test(text) && Number(text) >= 200) minimum = Number(text) * 1024 * 1024;
  }
  const fs = statfsSync(ctx.partition);
  const free = fs.bavail * fs.bsize;
  if (free > minimum) return [true, 'Disk usage: OK'];
  const g = (n: number) => Math.round((n / 1024 ** 3) * 100) / 100;
  return [false, `Free disk space low: remaining ${g(free)} G (threshold: ${g(minimum)} G)`];
}

/** Is the process of a pid file alive, with `name` in its command line? */
function processRunning(pidFile: string, name: string | undefined): boolean {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return !name || cmdline.includes(name);
  } catch {
    return false;
  }
}

/**
 * monitor_bootstrap_status: stack/monitor's bootstrap (monitor.bootstrap)
 * ran (its pid file exists), is no longer running, and left an empty
 * status file; else the status file is the message.
 */
function monitorBootstrapCheck(c: PluginConfig): PluginResult {
  const pidFile = c['process-pid-file'] ?? '';
  if (!pidFile || !existsSync(pidFile)) return [false, "Bootstrap didn't run!"];
  if (processRunning(pidFile, c['process-name'])) return [false, 'Monitor bootstrap is running...'];
  const status = c['status-file'] ?? '';
  if (status && existsSync(status) && statSync(status).size === 0) return [true, 'Bootstrap OK'];
  let message = 'Monitor bootstrap exited with error.';
  if (status && existsSync(status)) message += `\n ---- Latest monitor-boostrap.log ----\n${readFileSync(status, 'utf8')}`;
  return [false, message];
}

/**
 * check_certificate: `certificate` (PEM) loads, matches `key` when given,
 * and does not expire within `certificate-expiration-days` (15).
 */
function certificateCheck(c: PluginConfig): PluginResult {
  const certFile = c.certificate ?? '';
  const keyFile = c.key;
  const days = Number(c['certificate-expiration-days'] || 15);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(certFile));
  } catch (e) {
    return [false, `ERROR Problem loading certificate '${certFile}', error: ${(e as Error).message}`];
  }
  if (keyFile) {
    try {
      const key = createPrivateKey(readFileSync(keyFile));
      const exported = (k: ReturnType<typeof createPublicKey>) => k.export({ type: 'spki', format: 'der' }).toString('hex');
      if (exported(createPublicKey(key)) !== exported(cert.publicKey)) return [false, `ERROR Certificate '${certFile}' does not match key '${keyFile}'`];
    } catch (e) {
      return [false, `ERROR Problem loading key '${keyFile}', error: ${(e as Error).message}`];
    }
  }
  if (new Date(cert.validTo).getTime() - days * 86400_000 < Date.now()) return [false, `ERROR Certificate '${certFile}' will expire in less than ${days} days`];
  return [true, `OK Certificate '${certFile}' and key '${keyFile ?? ''}' are ok`];
}

/**
 * check_service_state: the service `service` of the supervisord whose
 * socket is in `run-directory` (an embedded SlapOS, software/theia) is
 * running, or stopped, as `expect` says.
 */
async function serviceStateCheck(c: PluginConfig): Promise<PluginResult> {
  const service = c.service ?? '';
  const expect = c.expect || 'running';
  const socket = join(c['run-directory'] ?? '', 'supervisord.socket');
  let state: string;
  try {
    const info = (await rpcCall(socket, 'supervisor.getProcessInfo', [service])) as { statename?: string };
    state = String(info.statename ?? '');
  } catch (e) {
    if (e instanceof RpcFault) return [false, `Service ${service} not found: ${e.message}`];
    return [false, `Cannot connect to supervisor at ${socket}: ${(e as Error).message}`];
  }
  const running = state === 'RUNNING';
  if ((expect === 'running') === running) return [true, `Service ${service} is ${running ? 'running' : 'not running'} as expected`];
  return [false, `Service ${service} is ${state}, expected ${expect}`];
}

/** The plugins the node runs, by the module a plugin file imports. */
export const NATIVE_PLUGINS: Record<string, (c: PluginConfig, ctx: PluginContext) => Promise<PluginResult> | PluginResult> = {
  'slapos.promise.plugin.check_socket_listening': socketCheck,
  'slapos.promise.plugin.check_url_available': urlCheck,
  'slapos.promise.plugin.check_command_execute': commandCheck,
  'slapos.promise.plugin.check_file_state': fileCheck,
  'slapos.promise.plugin.check_partition_deployment_state': deploymentStateCheck,
  'slapos.promise.plugin.check_free_disk_space': freeDiskSpaceCheck,
  'slapos.promise.plugin.monitor_bootstrap_status': monitorBootstrapCheck,
  'slapos.promise.plugin.check_certificate': certificateCheck,
  'slapos.promise.plugin.check_service_state': serviceStateCheck,
};
