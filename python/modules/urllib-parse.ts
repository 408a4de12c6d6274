// urllib.parse: urlsplit, urlparse, their inverses, quote/unquote and
// urlencode, with CPython 3.11's rules (scheme detection, params only for
// the schemes that use them, the hostname/port/username/password of results).

import { bind } from '../args.ts';
import { callValue } from '../call.ts';
import { truthy } from '../compare.ts';
import { valueError, typeError } from '../exceptions.ts';
import { toArray } from '../iter.ts';
import { str as pyStr } from '../repr.ts';
import { PyBoundMethod, PyBytes, PyDict, PyFunction, PyModule, asStr, type PyValue } from '../value.ts';
import { NamedTuple } from './named-tuple.ts';

const USES_PARAMS = new Set(['', 'ftp', 'hdl', 'prospero', 'http', 'imap', 'https', 'shttp', 'rtsp', 'rtspu', 'sip', 'sips', 'mms', 'sftp', 'tel']);
const USES_NETLOC = new Set([
  '', 'ftp', 'http', 'gopher', 'nntp', 'telnet', 'imap', 'wais', 'file', 'mms', 'https', 'shttp', 'snews', 'prospero',
  'rtsp', 'rtspu', 'rsync', 'svn', 'svn+ssh', 'sftp', 'nfs', 'git', 'git+ssh', 'ws', 'wss',
]);
const SCHEME_CHARS = /^[A-Za-z0-9+\-.]+$/;

function textArg(v: PyValue | undefined, dflt = ''): string {
  if (v === undefined) return dflt;
  const s = asStr(v);
  if (s === undefined) throw typeError(`Cannot mix str and non-str arguments`);
  return s;
}

function hostinfo(netloc: string): [string, string | null] {
  const hostinfoPart = netloc.slice(netloc.lastIndexOf('@') + 1);
  let hostname: string;
  let port: string;
  const br = hostinfoPart.indexOf('[');
  if (br >= 0) {
    const bracketed = hostinfoPart.slice(br + 1);
    const close = bracketed.indexOf(']');
    hostname = close >= 0 ? bracketed.slice(0, close) : bracketed;
    const after = close >= 0 ? bracketed.slice(close + 1) : '';
    const colon = after.indexOf(':');
    port = colon >= 0 ? after.slice(colon + 1) : '';
  } else {
    const colon = hostinfoPart.indexOf(':');
    hostname = colon >= 0 ? hostinfoPart.slice(0, colon) : hostinfoPart;
    port = colon >= 0 ? hostinfoPart.slice(colon + 1) : '';
  }
  return [hostname, port === '' ? null : port];
}

/** The properties every SplitResult and ParseResult has. */
function resultAttribute(self: NamedTuple, attr: string): PyValue | undefined {
  const netloc = self.items[1] as string;
  switch (attr) {
    case 'username':
    case 'password': {
      const at = netloc.lastIndexOf('@');
      if (at < 0) return null;
      const userinfo = netloc.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (attr === 'username') return colon >= 0 ? userinfo.slice(0, colon) : userinfo;
      return colon >= 0 ? userinfo.slice(colon + 1) : null;
    }
    case 'hostname': {
      const [hostname] = hostinfo(netloc);
      if (!hostname) return null;
      const pct = hostname.indexOf('%');
      return pct >= 0 ? hostname.slice(0, pct).toLowerCase() + hostname.slice(pct) : hostname.toLowerCase();
    }
    case 'port': {
      const [, port] = hostinfo(netloc);
      if (port === null) return null;
      if (!/^[0-9]+$/.test(port)) throw valueError(`Port could not be cast to integer value as '${port}'`);
      const n = BigInt(port);
      if (n > 65535n) throw valueError('Port out of range 0-65535');
      return n;
    }
    case 'geturl':
      return new PyBoundMethod(self, attr, () => (self.items.length === 6 ? unparse(self.items as string[]) : unsplit(self.items as string[])), self.name);
  }
  return undefined;
}

export function urlsplit(url: string, scheme = '', allowFragments = true): NamedTuple {
  url = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  scheme = scheme.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '').replace(/[\t\r\n]/g, '');
  let netloc = '';
  let query = '';
  let fragment = '';
  const i = url.indexOf(':');
  if (i > 0 && /^[A-Za-z]/.test(url) && SCHEME_CHARS.test(url.slice(0, i))) {
    scheme = url.slice(0, i).toLowerCase();
    url = url.slice(i + 1);
  }
  if (url.startsWith('//')) {
    let delim = url.length;
    for (const c of '/?#') {
      const w = url.indexOf(c, 2);
      if (w >= 0) delim = Math.min(delim, w);
    }
    netloc = url.slice(2, delim);
    url = url.slice(delim);
    if ((netloc.includes('[') && !netloc.includes(']')) || (netloc.includes(']') && !netloc.includes('['))) {
      throw valueError('Invalid IPv6 URL');
    }
  }
  if (allowFragments && url.includes('#')) {
    const h = url.indexOf('#');
    fragment = url.slice(h + 1);
    url = url.slice(0, h);
  }
  if (url.includes('?')) {
    const q = url.indexOf('?');
    query = url.slice(q + 1);
    url = url.slice(0, q);
  }
  return new NamedTuple('SplitResult', ['scheme', 'netloc', 'path', 'query', 'fragment'], [scheme, netloc, url, query, fragment], resultAttribute);
}

export function urlparse(url: string, scheme = '', allowFragments = true): NamedTuple {
  const [s, netloc, path0, query, fragment] = urlsplit(url, scheme, allowFragments).items as string[];
  let path = path0!;
  let params = '';
  if (USES_PARAMS.has(s!) && path.includes(';')) {
    let i: number;
    if (path.includes('/')) {
      i = path.indexOf(';', path.lastIndexOf('/'));
    } else i = path.indexOf(';');
    if (i >= 0) {
      params = path.slice(i + 1);
      path = path.slice(0, i);
    }
  }
  return new NamedTuple('ParseResult', ['scheme', 'netloc', 'path', 'params', 'query', 'fragment'], [s!, netloc!, path, params, query!, fragment!], resultAttribute);
}

function unsplit([scheme, netloc, url0, query, fragment]: string[]): string {
  let url = url0!;
  if (netloc || (scheme && USES_NETLOC.has(scheme) && url.slice(0, 2) !== '//')) {
    if (url && url[0] !== '/') url = '/' + url;
    url = '//' + (netloc ?? '') + url;
  }
  if (scheme) url = scheme + ':' + url;
  if (query) url += '?' + query;
  if (fragment) url += '#' + fragment;
  return url;
}

function unparse([scheme, netloc, url, params, query, fragment]: string[]): string {
  const path = params ? `${url};${params}` : url!;
  return unsplit([scheme!, netloc!, path, query!, fragment!]);
}

const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~';

export function quote(v: PyValue, safe = '/'): string {
  const bytes = v instanceof PyBytes ? v.data : new TextEncoder().encode(textArg(v));
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (b < 128 && (ALWAYS_SAFE.includes(c) || safe.includes(c))) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function quotePlus(v: PyValue, safe = ''): string {
  const s = asStr(v);
  if (s !== undefined && s.includes(' ')) return quote(s, safe + ' ').replace(/ /g, '+');
  return quote(v, safe);
}

export function unquote(s: string): string {
  if (!s.includes('%')) return s;
  // runs of %XX are decoded as UTF-8 together; bad sequences become U+FFFD
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.match(/%[0-9a-fA-F]{2}/g)!, (h) => parseInt(h.slice(1), 16));
    return new TextDecoder('utf-8').decode(bytes);
  });
}

function urlencode(query: PyValue, doseq: boolean, safe: string, quoteVia: PyValue | null): string {
  const q = (x: PyValue) => (quoteVia ? pyStr(callValue(quoteVia, [x, safe])) : quotePlus(x, safe));
  let pairs: PyValue[][];
  if (query instanceof PyDict) pairs = [...query.entries()];
  else {
    try {
      pairs = toArray(query).map((x) => toArray(x));
    } catch {
      throw typeError('not a valid non-string sequence or mapping object');
    }
  }
  const out: string[] = [];
  for (const pair of pairs) {
    if (pair.length !== 2) throw valueError('not enough values to unpack (expected 2, got ' + pair.length + ')');
    const [k, v] = pair as [PyValue, PyValue];
    const key = k instanceof PyBytes ? q(k) : q(pyStr(k));
    if (!doseq) out.push(key + '=' + (v instanceof PyBytes ? q(v) : q(pyStr(v))));
    else if (v instanceof PyBytes || asStr(v) !== undefined) out.push(key + '=' + q(v instanceof PyBytes ? v : asStr(v)!));
    else {
      let items: PyValue[] | null = null;
      try {
        items = toArray(v);
      } catch {
        items = null;
      }
      if (items === null) out.push(key + '=' + q(pyStr(v)));
      else for (const e of items) out.push(key + '=' + q(e instanceof PyBytes ? e : pyStr(e)));
    }
  }
  return out.join('&');
}

const fn = (name: string, f: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue) => new PyFunction(name, f, 'function');

export const urllibParseModule = new PyModule('urllib.parse', {
  urlsplit: fn('urlsplit', (a, k) => {
    const [url, scheme, frag] = bind({ name: 'urlsplit', params: ['url', 'scheme', 'allow_fragments'], required: 1 }, a, k);
    return urlsplit(textArg(url), textArg(scheme), frag === undefined ? true : truthy(frag));
  }),
  urlparse: fn('urlparse', (a, k) => {
    const [url, scheme, frag] = bind({ name: 'urlparse', params: ['url', 'scheme', 'allow_fragments'], required: 1 }, a, k);
    return urlparse(textArg(url), textArg(scheme), frag === undefined ? true : truthy(frag));
  }),
  urlunsplit: fn('urlunsplit', (a, k) => {
    const [c] = bind({ name: 'urlunsplit', params: ['components'] }, a, k);
    return unsplit(toArray(c!).map((x) => (x === null ? '' : textArg(x))));
  }),
  urlunparse: fn('urlunparse', (a, k) => {
    const [c] = bind({ name: 'urlunparse', params: ['components'] }, a, k);
    return unparse(toArray(c!).map((x) => (x === null ? '' : textArg(x))));
  }),
  quote: fn('quote', (a, k) => {
    const [s, safe] = bind({ name: 'quote', params: ['string', 'safe', 'encoding', 'errors'], required: 1 }, a, k);
    return quote(s!, safe === undefined ? '/' : textArg(safe));
  }),
  quote_plus: fn('quote_plus', (a, k) => {
    const [s, safe] = bind({ name: 'quote_plus', params: ['string', 'safe', 'encoding', 'errors'], required: 1 }, a, k);
    return quotePlus(s!, safe === undefined ? '' : textArg(safe));
  }),
  unquote: fn('unquote', (a, k) => {
    const [s] = bind({ name: 'unquote', params: ['string', 'encoding', 'errors'], required: 1 }, a, k);
    return unquote(textArg(s));
  }),
  unquote_plus: fn('unquote_plus', (a, k) => {
    const [s] = bind({ name: 'unquote_plus', params: ['string', 'encoding', 'errors'], required: 1 }, a, k);
    return unquote(textArg(s).replace(/\+/g, ' '));
  }),
  urlencode: fn('urlencode', (a, k) => {
    const [query, doseq, safe, , , quoteVia] = bind(
      { name: 'urlencode', params: ['query', 'doseq', 'safe', 'encoding', 'errors', 'quote_via'], required: 1 },
      a,
      k,
    );
    return urlencode(query!, doseq !== undefined && truthy(doseq), safe === undefined ? '' : textArg(safe), quoteVia ?? null);
  }),
});
