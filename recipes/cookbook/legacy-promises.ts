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
// tsbuildout writes the same text (its check_url.in template).
//
// Both: mode 0700, rewritten only when their text changes, returned (removed
// on uninstall); update = install.
import { join } from 'node:path';
import type { RecipeModule } from '../api.ts';
import { createExecutable } from '../lib/files.ts';

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

/** check_url_available's values, inserted as written (its template is a shell script filled in with Python's %). */
export interface UrlPromise {
  url: string;
  shell: string;
  curl: string;
  httpCode: string;
  /** `1`: a 401 answer counts as available (the URL is protected); compared by the shell with -eq. */
  checkSecure: string;
  /** File holding the timeout in seconds (default 20). */
  timeOut: string;
  caCertFile: string;
  certFile: string;
  keyFile: string;
}

/** check_url.in of slapos.cookbook, byte for byte. */
export function urlPromiseText(p: UrlPromise): string {
  return `#!${p.shell}
# BEWARE: This file is operated by slapos node
# BEWARE: It will be overwritten automatically

URL="${p.url}"
F_TIMEOUT="${p.timeOut}"
TIMEOUT=20
CA_CERT="${p.caCertFile}"
CERT="${p.certFile}"
KEY="${p.keyFile}"

if [ -z "$URL" ]; then
  echo "No URL specified." >&2
  exit 3
fi

if [ -s "$F_TIMEOUT" ]; then
  TIMEOUT=$(cat $F_TIMEOUT)
  result=$(echo $TIMEOUT | grep -E ^[0-9]+$)
  if [ -z $result ]; then
    # Not an integer
    TIMEOUT=20
  fi
fi

if [ -z "$CA_CERT" ] || [ -z "$CERT" ] || [ -z "$KEY" ]; then
  CODE=$(${p.curl} -g -k -sL $URL -w %{http_code} --max-time $TIMEOUT -o /dev/null)
else
  CODE=$(${p.curl} -g -k -sL $URL -w %{http_code} --max-time $TIMEOUT -o /dev/null --cacert $CA_CERT --cert $CERT --key $KEY)
fi

if [ $? -eq 3 ]; then
  echo "URL malformed: $URL." >&2
  exit 1
fi

if [ $? -eq 7 ]; then
  echo "Failed to connect to host: $URL." >&2
  exit 1
fi

if [ ! $CODE ]; then
  echo "$URL is not available (server not reachable)." >&2
  exit 1
fi

if [ $CODE -eq 000 ]; then
  echo "$URL is not available (server not reachable)." >&2
  exit 1
fi

if [ ${p.checkSecure} -eq 1 ]; then
  if [ $CODE -eq 401 ]; then
    echo "$URL is protected (returned $CODE)." >&2
    exit 0
  fi
fi

if ! [ $CODE -eq ${p.httpCode} ]; then
  echo "$URL is not available (returned $CODE, expected ${p.httpCode})." >&2
  exit 2
fi
`;
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
      checkSecure: options.get('check-secure') ?? '0',
      httpCode: options.get('http_code') ?? '200',
      // the real recipe's default: etc/promise_timeout under the directory buildout runs in
      timeOut: options.get('timeout-file-path') ?? join(process.cwd(), 'etc/promise_timeout'),
      caCertFile: options.get('ca-cert-file') ?? '',
      certFile: options.get('cert-file') ?? '',
      keyFile: options.get('key-file') ?? '',
    };
    const path = options.require('path');
    const install = () => [createExecutable(path, urlPromiseText(spec))];
    return { install, update: install };
  },
};
