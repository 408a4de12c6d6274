// slapos.cookbook:publishurl (slapos/recipe/publishurl.py): publishes one
// connection parameter, `url`: the `url` option, or one joined from
// scheme, host (an IPv6 address in brackets), port, username, password,
// path, params, query and fragment, as librecipe's unparseUrl joins them
// (Python's urlunparse). Published as publish does (publish.ts); install
// returns nothing, update publishes again.
import { PyDict } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { publishConnection } from './publish.ts';

/** librecipe's GenericBaseRecipe.unparseUrl (login and password quoted) then urlunparse. */
export function unparseUrl(p: { scheme: string; host: string; path?: string; params?: string; query?: string; fragment?: string; port?: string; auth?: [string] | [string, string] }): string {
  let netloc = '';
  if (p.auth) netloc = quote(p.auth[0]) + (p.auth.length > 1 ? ':' + quote(p.auth[1]!) : '') + '@';
  netloc += p.host.includes(':') && !/^\[.*\]$/.test(p.host) ? `[${p.host}]` : p.host;
  if (p.port !== undefined) netloc += `:${p.port}`;
  // urlunparse: params after a `;`, then urlunsplit
  let path = p.path ?? '';
  if (p.params) path = `${path};${p.params}`;
  if (netloc || (p.scheme && ['', 'ftp', 'http', 'gopher', 'nntp', 'telnet', 'imap', 'wais', 'file', 'mms', 'https', 'shttp', 'snews', 'prospero', 'rtsp', 'rtspu', 'rsync', 'svn', 'svn+ssh', 'sftp', 'nfs', 'git', 'git+ssh', 'ws', 'wss'].includes(p.scheme) && path.startsWith('//'))) {
    if (path && !path.startsWith('/')) path = '/' + path;
    path = '//' + netloc + path;
  }
  let url = p.scheme ? `${p.scheme}:${path}` : path;
  if (p.query) url += `?${p.query}`;
  if (p.fragment) url += `#${p.fragment}`;
  return url;
}

/** Python's urllib.parse.quote (safe '/'). */
function quote(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()).replace(/%2F/g, '/');
}

export const publishurl: RecipeModule = {
  names: ['slapos.cookbook:publishurl'],
  pureInit: true,
  schema: {
    doc: 'Publishes `url`, given or joined from its parts, as a connection parameter.',
    options: {
      url: { doc: 'the URL (else joined from the options below)' },
      scheme: { doc: 'its scheme' },
      host: { doc: 'its host (an IPv6 address gets brackets)' },
      port: { doc: 'its port' },
      path: { doc: 'its path' },
      params: { doc: 'its parameters' },
      query: { doc: 'its query' },
      fragment: { doc: 'its fragment' },
      username: { doc: 'the login' },
      password: { doc: 'the password (with username)' },
    },
    generated: [],
  },
  init({ name, options, buildout }) {
    let url = options.get('url');
    if (url === undefined) {
      const scheme = options.get('scheme');
      if (scheme === undefined) throw new RecipeError('No scheme specified.');
      const host = options.get('host');
      if (host === undefined) throw new RecipeError('No host specified.');
      const o = (k: string) => options.get(k);
      const user = o('username');
      const password = o('password');
      url = unparseUrl({
        scheme,
        host,
        ...Object.fromEntries(['path', 'params', 'query', 'fragment', 'port'].flatMap((k) => (o(k) === undefined ? [] : [[k, o(k)!]]))),
        ...(user !== undefined ? { auth: password !== undefined ? [user, password] : [user] } : {}),
      });
    }
    const parameters = new PyDict([['url', url]]);
    const install = () => {
      publishConnection(name, buildout, parameters, { serialised: false });
      return [];
    };
    return { install, update: install };
  },
};
