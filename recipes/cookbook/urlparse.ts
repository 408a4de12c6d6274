// slapos.cookbook:urlparse (slapos/recipe/_urlparse.py): `url` split as
// Python's urlparse splits it, into scheme, username, password, host, port
// (empty when absent), path (without its leading and trailing slashes),
// params, query and fragment, set at init; install does nothing.
import { RecipeError, type RecipeModule } from '../api.ts';
import { netlocParts, urlparse } from '../lib/urlparse.ts';

const PARTS = ['scheme', 'username', 'password', 'host', 'port', 'path', 'params', 'query', 'fragment'];

export const urlparseRecipe: RecipeModule = {
  names: ['slapos.cookbook:urlparse'],
  pureInit: true,
  schema: { doc: 'Splits `url` into its parts, as Python\'s urlparse does.', options: { url: { doc: 'the URL' } }, required: ['url'], generated: PARTS },
  init({ name, options }) {
    let parts: Record<string, string>;
    try {
      const u = urlparse(options.require('url'));
      const n = netlocParts(u.netloc);
      parts = {
        scheme: u.scheme,
        username: n.username ?? '',
        password: n.password ?? '',
        host: n.hostname ?? '',
        port: n.port === undefined ? '' : String(n.port),
        path: u.path.replace(/^\/+|\/+$/g, ''),
        params: u.params,
        query: u.query,
        fragment: u.fragment,
      };
    } catch (e) {
      throw new RecipeError(`[${name}] url: ${(e as Error).message}`);
    }
    for (const k of PARTS) options.set(k, parts[k]!);
    return { install: () => [], update: () => [] };
  },
};
