// slapos.cookbook:urlparse (slapos/recipe/_urlparse.py): `url` split as
// Python's urlparse splits it, into scheme, username, password, host, port
// (empty when absent), path (without its leading and trailing slashes),
// params, query and fragment, set at init; install does nothing.
import { getAttr, PyException, urlparse } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';

const PARTS = ['scheme', 'username', 'password', 'host', 'port', 'path', 'params', 'query', 'fragment'];

export const urlparseRecipe: RecipeModule = {
  names: ['slapos.cookbook:urlparse'],
  pureInit: true,
  schema: { doc: 'Splits `url` into its parts, as Python\'s urlparse does.', options: { url: { doc: 'the URL' } }, required: ['url'], generated: PARTS },
  init({ name, options }) {
    let parts: Record<string, string>;
    try {
      // Python's urllib.parse (python/): the parts, and the attributes of its result (None as empty)
      const u = urlparse(options.require('url'));
      const [scheme, , path, params, query, fragment] = u.items as string[];
      const attr = (k: string) => {
        const v = getAttr(u, k);
        return v === null ? '' : String(v);
      };
      parts = { scheme: scheme!, username: attr('username'), password: attr('password'), host: attr('hostname'), port: attr('port'), path: path!.replace(/^\/+|\/+$/g, ''), params: params!, query: query!, fragment: fragment! };
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      throw new RecipeError(`[${name}] url: ${e.message}`);
    }
    for (const k of PARTS) options.set(k, parts[k]!);
    return { install: () => [], update: () => [] };
  },
};
