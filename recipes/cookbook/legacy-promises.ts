// Legacy promises (executables in etc/promise,
// docs/slapos-recipes.md#legacy-promise-recipes,
// docs/slapos-node.md#promises): exit status 0 when the service is fine, a
// message on standard error otherwise.
//
// slapos.cookbook:check_port_listening writes a Python script run by the
// Python buildout runs with (the software release's, under slapgrid): a POSIX
// shell cannot open a TCP connection portably, so tsbuildout does the same
// and writes check_port_listening.py's script, byte for byte, whose
// interpreter is `${buildout:executable}` (tsbuildout's --python): connect to
// (hostname, port), else "<hostname> on <port> isn't listening" and exit status 127.
//
// slapos.cookbook:check_url_available writes a shell script (run by
// `dash_path`) that calls curl (`curl_path`) and compares the HTTP code:
// tsbuildout writes an equivalent POSIX sh script of its own.
//
// Both: mode 0700, rewritten only when their text changes, returned (removed
// on uninstall); update = install.
import type { RecipeModule } from '../api.ts';
import { createExecutable, isTrue } from '../lib/files.ts';
import { shellQuote } from '../lib/shlex.ts';

/** check_port_listening.py's template: hostname and port inserted as written (a port that is not a number fails when run). */
export function portPromiseText(python: string, hostname: string, port: string): string {
  return [
    `#!${python}`,
    '# BEWARE: This file is operated by slapos node',
    '# BEWARE: It will be overwritten automatically',
    'import socket',
    'import sys',
    '',
    `addr = "${hostname}", ${port}`,
    '',
    'try:',
    '  socket.create_connection(addr).close()',
    'except (socket.error, socket.timeout):',
    '  sys.stderr.write("%s on %s isn\'t listening\\n" % addr)',
    '  sys.exit(127)',
    '',
  ].join('\n');
}

export const checkPortListening: RecipeModule = {
  names: ['slapos.cookbook:check_port_listening'],
  pureInit: true,
  schema: {
    options: {
      path: { doc: 'the promise to write (normally in etc/promise)' },
      hostname: { doc: 'the host to connect to' },
      port: { doc: 'the TCP port' },
    },
    required: ['path', 'hostname', 'port'],
    generated: [],
  },
  init({ options, buildout }) {
    const path = options.require('path');
    const hostname = options.require('hostname');
    const portText = options.require('port');
    const python = buildout.section('buildout').get('executable') || 'python3';
    const install = () => [createExecutable(path, portPromiseText(python, hostname, portText))];
    return { install, update: install };
  },
};

export interface UrlPromise {
  url: string;
  shell: string;
  curl: string;
  httpCode: string;
  /** A 401 answer counts as available (the URL is protected). */
  checkSecure: boolean;
  /** File holding the timeout in seconds (default 20). */
  timeoutFile?: string;
  caCertFile?: string;
  certFile?: string;
  keyFile?: string;
}

export function urlPromiseText(p: UrlPromise): string {
  const curl = [shellQuote(p.curl), '-g', '-sL', '-o', '/dev/null', '-w', "'%{http_code}'"];
  if (p.caCertFile) curl.push('--cacert', shellQuote(p.caCertFile));
  else curl.push('-k');
  if (p.certFile) curl.push('--cert', shellQuote(p.certFile));
  if (p.keyFile) curl.push('--key', shellQuote(p.keyFile));
  curl.push('--max-time', '"$TIMEOUT"', '"$URL"');
  return [
    `#!${p.shell}`,
    '# Legacy promise written by tsbuildout (slapos.cookbook:check_url_available)',
    `URL=${shellQuote(p.url)}`,
    'TIMEOUT=20',
    ...(p.timeoutFile ? [`[ ! -s ${shellQuote(p.timeoutFile)} ] || TIMEOUT=$(cat ${shellQuote(p.timeoutFile)})`] : []),
    'if [ -z "$URL" ]; then',
    '  echo "No URL specified." >&2',
    '  exit 3',
    'fi',
    `CODE=$(${curl.join(' ')})`,
    'STATUS=$?',
    'if [ $STATUS -eq 3 ]; then',
    '  echo "URL malformed: $URL." >&2',
    '  exit 1',
    'fi',
    'if [ $STATUS -eq 7 ]; then',
    '  echo "Failed to connect to host: $URL." >&2',
    '  exit 1',
    'fi',
    'if [ -z "$CODE" ] || [ "$CODE" = 000 ]; then',
    '  echo "$URL is not available (server not reachable)." >&2',
    '  exit 1',
    'fi',
    ...(p.checkSecure ? ['if [ "$CODE" = 401 ]; then', '  echo "$URL is protected (returned $CODE)." >&2', '  exit 0', 'fi'] : []),
    `if [ "$CODE" != ${shellQuote(p.httpCode)} ]; then`,
    `  echo "$URL is not available (returned $CODE, expected "${shellQuote(p.httpCode)}")." >&2`,
    '  exit 2',
    'fi',
    '',
  ].join('\n');
}

export const checkUrlAvailable: RecipeModule = {
  names: ['slapos.cookbook:check_url_available'],
  pureInit: true,
  schema: {
    options: {
      path: { doc: 'the promise to write (normally in etc/promise)' },
      url: { doc: 'the URL to check' },
      dash_path: { doc: 'the shell running the promise' },
      curl_path: { doc: 'the curl binary' },
      http_code: { doc: 'the expected HTTP status', default: '200' },
      'check-secure': { doc: '1: a 401 answer (protected URL) is fine too', default: '0' },
      'timeout-file-path': { doc: 'a file holding the timeout in seconds (default 20)' },
      'ca-cert-file': { doc: 'CA certificate to verify the server with (otherwise not verified)' },
      'cert-file': { doc: 'client certificate' },
      'key-file': { doc: 'client key' },
    },
    required: ['path', 'url', 'dash_path', 'curl_path'],
    generated: [],
  },
  init({ options }) {
    const spec: UrlPromise = {
      url: options.require('url'),
      shell: options.require('dash_path'),
      curl: options.require('curl_path'),
      httpCode: options.get('http_code') ?? '200',
      checkSecure: isTrue(options.get('check-secure')),
    };
    const timeoutFile = options.get('timeout-file-path');
    if (timeoutFile) spec.timeoutFile = timeoutFile;
    const ca = options.get('ca-cert-file');
    if (ca) spec.caCertFile = ca;
    const cert = options.get('cert-file');
    if (cert) spec.certFile = cert;
    const key = options.get('key-file');
    if (key) spec.keyFile = key;
    const path = options.require('path');
    const install = () => [createExecutable(path, urlPromiseText(spec))];
    return { install, update: install };
  },
};
