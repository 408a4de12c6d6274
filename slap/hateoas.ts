// The hateoas API of SlapOS masters, as slapos.slap's SlapHateoasNavigator
// reads it (slapos/slap/hateoas.py) and the proxy serves it
// (slapos/proxy/hateoas.py): the root document's `raw_search` and
// `traverse` URI templates, a catalog search for the validated instance
// tree of a title, then the tree's document, whose form fields carry the
// title, software release and type, requested state, parameters and
// connection parameters. This is how `tsbuildout show` reads any master.
import { PyDict, type PyValue } from '../python/index.ts';
import { MasterError, type InstanceInformation } from './api.ts';
import type { HttpAnswer } from './http.ts';
import { xml2dict } from './marshal.ts';

export type HateoasGet = (url: string, headers?: Record<string, string>) => Promise<HttpAnswer>;

/** RFC 6570 simple expansion, as uritemplate.expand does it: every reserved character escaped, lists joined by ','. */
export function expandTemplate(template: string, values: Record<string, string | string[]>): string {
  const quote = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) return '';
    return Array.isArray(v) ? v.map(quote).join(',') : quote(v);
  });
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const obj = (v: Json | undefined): Record<string, Json> => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

/** HateoasNavigator._extractPropertyFromFormDict: the `my_`/`your_` fields of the document's view, by name. */
export function formProperties(doc: Json): Record<string, Json> {
  const view = obj(obj(obj(doc)._embedded)._view);
  const out: Record<string, Json> = {};
  for (const [key, field] of Object.entries(view)) {
    const m = /^(?:my_|your_)(.+)$/.exec(key);
    if (!m) continue;
    const f = obj(field);
    if (['StringField', 'EmailField', 'IntegerField', 'FloatField', 'TextAreaField'].includes(String(f.type))) out[m[1]!] = f.default ?? null;
  }
  return out;
}

/** Connection parameters as a master gives them: the proxy's `<instance>` XML, or a list of key/value records, or a mapping. */
export function connectionDict(v: Json | undefined): PyDict {
  if (typeof v === 'string') return xml2dict(v);
  const d = new PyDict();
  if (Array.isArray(v)) {
    for (const item of v) {
      const o = obj(item);
      if (typeof o.connection_key === 'string') d.set(o.connection_key, toPy(o.connection_value ?? ''));
    }
  } else for (const [k, x] of Object.entries(obj(v))) d.set(k, toPy(x));
  return d;
}

const toPy = (v: Json): PyValue => (typeof v === 'string' || v === null ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));

async function json(get: HateoasGet, url: string, what: string, headers?: Record<string, string>): Promise<Json | undefined> {
  const a = await get(url, headers);
  if (a.status === 404) return undefined;
  if (a.status !== 200) throw new MasterError(`the master's hateoas API answered ${a.status} to the ${what} (${url})`, a.status);
  try {
    return JSON.parse(a.body) as Json;
  } catch {
    throw new MasterError(`the master's hateoas API did not answer JSON to the ${what} (${url})`, 502);
  }
}

/**
 * SlapHateoasNavigator.getInstanceTreeRootSoftwareInstanceInformation:
 * undefined when the master has no hateoas API at `restUrl` or no
 * validated instance tree of that title.
 */
export async function instanceFromHateoas(get: HateoasGet, restUrl: string, title: string): Promise<InstanceInformation | undefined> {
  const root = obj(await json(get, restUrl, 'root document', { 'cache-control': 'no-cache' }).catch(() => undefined));
  const links = obj(root._links);
  const search = obj(links.raw_search).href;
  const traverse = obj(links.traverse).href;
  if (typeof search !== 'string' || typeof traverse !== 'string') return undefined;
  const found = await json(get, expandTemplate(search, { query: `portal_type:"Instance Tree" AND validation_state:validated AND title:="${title}"`, select_list: ['title', 'relative_url'] }), 'search');
  const rows = obj(found)._embedded === undefined ? [] : obj(obj(found)._embedded).contents;
  const row = (Array.isArray(rows) ? rows : []).map(obj).find((r) => r.title === title);
  if (!row || typeof row.relative_url !== 'string') return undefined;
  const doc = await json(get, expandTemplate(traverse, { relative_url: row.relative_url, view: 'slaposjs_view' }), 'instance tree document');
  if (doc === undefined) return undefined;
  const p = formProperties(doc);
  const text = (v: Json | undefined) => (v === undefined || v === null ? null : String(v));
  return {
    title,
    shared: Number(p.root_slave ?? 0) === 1,
    'software-release': text(p.url_string),
    'software-type': text(p.source_reference),
    'requested-state': text(p.slap_state),
    parameters: typeof p.text_content === 'string' ? xml2dict(p.text_content) : new PyDict(),
    connection: connectionDict(p.connection_parameter_list),
  };
}
