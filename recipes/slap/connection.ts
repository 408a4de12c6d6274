// How the recipes that talk to the master find it: the options they are
// given (normally copied from [slap-connection]), the synchronous SLAP
// client, and slapos.recipe.librecipe's JSON-in-XML wrap/unwrap.
import { jsonDumps, jsonLoads } from '../../python/json.ts';
import { PyDict, type PyValue } from '../../python/value.ts';
import { SyncSlap } from '../../slap/sync.ts';
import { MasterError } from '../../slap/api.ts';
import { RecipeError, type BuildoutView, type PartOptions } from '../api.ts';

export interface SlapTarget {
  slap: SyncSlap;
  url: string;
  computer: string;
  partition: string;
}

/** The master named by a recipe's own options (first spelling wins, as slapconfiguration reads them). */
export function targetFrom(options: PartOptions, spellings: { url: string[]; computer: string[]; partition: string[] }): SlapTarget {
  const pick = (names: string[]) => {
    for (const n of names) {
      const v = options.get(n);
      if (v) return v;
    }
    return options.require(names[names.length - 1]!);
  };
  const url = pick(spellings.url);
  return { slap: new SyncSlap(url), url, computer: pick(spellings.computer), partition: pick(spellings.partition) };
}

/** The master of [slap-connection], when the profile has one with a server URL (else the recipe works offline). */
export function slapConnection(buildout: BuildoutView): SlapTarget | undefined {
  if (!buildout.hasSection('slap-connection')) return undefined;
  const s = buildout.section('slap-connection');
  const url = s.get('server-url');
  if (!url) return undefined;
  return { slap: new SyncSlap(url), url, computer: s.require('computer-id'), partition: s.require('partition-id') };
}

/** A master failure as the recipe's error. */
export function masterCall<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MasterError) throw new RecipeError(`${what}: ${e.message}`);
    throw e;
  }
}

/** wrap(d) = {'_': json.dumps(d)} */
export function wrap(d: PyValue): PyDict {
  return new PyDict([['_', jsonDumps(d)]]);
}

/** unwrap(d): json.loads(d['_']) when the key is there, else d. */
export function unwrap(d: PyValue): PyValue {
  if (d instanceof PyDict && d.has('_')) {
    const text = d.get('_');
    if (typeof text === 'string') return jsonLoads(text);
  }
  return d;
}
