// Python's urllib.parse.urlparse and the attributes of its result
// (username, password, hostname, port), as slapos.cookbook's recipes read
// URLs with it.

export interface ParsedUrl {
  scheme: string;
  netloc: string;
  path: string;
  params: string;
  query: string;
  fragment: string;
}

const USES_PARAMS = new Set(['', 'ftp', 'hdl', 'prospero', 'http', 'imap', 'https', 'shttp', 'rtsp', 'rtspu', 'sip', 'sips', 'mms', 'sftp', 'tel']);
const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+\-.]*$/;

/** urllib.parse.urlparse(url) (allow_fragments). */
export function urlparse(url: string): ParsedUrl {
  // urlsplit strips leading C0 controls and spaces, and removes tabs and newlines
  url = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  let netloc = '';
  let query = '';
  let fragment = '';
  const colon = url.indexOf(':');
  if (colon > 0 && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  if (url.startsWith('//')) {
    let end = url.length;
    for (const c of '/?#') {
      const i = url.indexOf(c, 2);
      if (i >= 0) end = Math.min(end, i);
    }
    netloc = url.slice(2, end);
    url = url.slice(end);
    if ((netloc.includes('[') && !netloc.includes(']')) || (netloc.includes(']') && !netloc.includes('['))) throw new Error('Invalid IPv6 URL');
  }
  const hash = url.indexOf('#');
  if (hash >= 0) {
    fragment = url.slice(hash + 1);
    url = url.slice(0, hash);
  }
  const q = url.indexOf('?');
  if (q >= 0) {
    query = url.slice(q + 1);
    url = url.slice(0, q);
  }
  let params = '';
  if (USES_PARAMS.has(scheme) && url.includes(';')) {
    const slash = url.lastIndexOf('/');
    const i = url.indexOf(';', slash < 0 ? 0 : slash);
    if (i >= 0) {
      params = url.slice(i + 1);
      url = url.slice(0, i);
    }
  }
  return { scheme, netloc, path: url, params, query, fragment };
}

/** username, password, hostname (lower-cased) and port of a netloc, None as undefined; a bad port throws, as Python's ValueError. */
export function netlocParts(netloc: string): { username?: string; password?: string; hostname?: string; port?: number } {
  const at = netloc.lastIndexOf('@');
  const out: { username?: string; password?: string; hostname?: string; port?: number } = {};
  if (at >= 0) {
    const userinfo = netloc.slice(0, at);
    const c = userinfo.indexOf(':');
    out.username = c < 0 ? userinfo : userinfo.slice(0, c);
    if (c >= 0) out.password = userinfo.slice(c + 1);
  }
  const hostinfo = at >= 0 ? netloc.slice(at + 1) : netloc;
  let hostname: string;
  let port: string;
  const open = hostinfo.indexOf('[');
  if (open >= 0) {
    const bracketed = hostinfo.slice(open + 1);
    const close = bracketed.indexOf(']');
    hostname = close < 0 ? bracketed : bracketed.slice(0, close);
    const rest = close < 0 ? '' : bracketed.slice(close + 1);
    const c = rest.indexOf(':');
    port = c < 0 ? '' : rest.slice(c + 1);
  } else {
    const c = hostinfo.indexOf(':');
    hostname = c < 0 ? hostinfo : hostinfo.slice(0, c);
    port = c < 0 ? '' : hostinfo.slice(c + 1);
  }
  if (hostname) {
    const pct = hostname.indexOf('%');
    out.hostname = pct < 0 ? hostname.toLowerCase() : hostname.slice(0, pct).toLowerCase() + hostname.slice(pct);
  }
  if (port) {
    if (!/^[0-9]+$/.test(port)) throw new Error(`Port could not be cast to integer value as '${port}'`);
    const n = Number(port);
    if (n > 65535) throw new Error('Port out of range 0-65535');
    out.port = n;
  }
  return out;
}
