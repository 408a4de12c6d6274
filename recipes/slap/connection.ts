// How the recipes that talk to the master find it: the options they are
// given (normally copied from [slap-connection]: the master's URL and, over
// HTTPS, the partition's key and certificate), the synchronous SLAP
// client, and slapos.recipe.librecipe's JSON-in-XML wrap/unwrap.
import { accessSync, closeSync, constants, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { jsonDumps, jsonLoads, PyDict, type PyValue } from '../../python/index.ts';
import { SyncSlap } from '../../slap/sync.ts';
import { MasterError } from '../../slap/api.ts';
import { RecipeError, type BuildoutView, type PartOptions } from '../api.ts';

export interface SlapTarget {
  slap: SyncSlap;
  url: string;
  computer: string;
  partition: string;
}

/**
 * slapos.slap's ComputerPartition, when slapgrid runs buildout
 * (SLAPGRID_INSTANCE_ROOT set), leaves an empty request transaction file in
 * the partition (ComputerPartition._updateTransactionFile): slapgrid then
 * tells the master which instances the partition still requests, none
 * when the file stays empty.
 */
export function touchTransactionFile(partition: string): void {
  const root = process.env.SLAPGRID_INSTANCE_ROOT;
  if (!root || !partition) return;
  const dir = join(root, partition);
  const file = join(dir, `.slapos-request-transaction-${partition}`);
  try {
    accessSync(dir, constants.W_OK);
    if (!existsSync(file)) closeSync(openSync(file, 'w'));
  } catch {
    // not writable: as slapos.slap, nothing
  }
}

type Spellings = { url: string[]; computer: string[]; partition: string[]; key: string[]; cert: string[] };

/**
 * The master named by a recipe's own options (first spelling wins, as
 * slapconfiguration reads them); key and certificate when given. With
 * `buildout` (slapconfiguration), an HTTPS master given no key and
 * certificate gets [slap-connection]'s when it is that master: some
 * profiles (html5as-base) leave them out, and a master that requires the
 * partition's certificate would turn slapos.cookbook away (README).
 */
export function targetFrom(options: PartOptions, spellings: Spellings, buildout?: BuildoutView): SlapTarget {
  // every spelling read (none is left as an unused option)
  const first = (names: string[]) => names.map((n) => options.get(n)).find((v) => !!v);
  const pick = (names: string[]) => first(names) ?? options.require(names[names.length - 1]!);
  const url = pick(spellings.url);
  let keyFile = first(spellings.key);
  let certFile = first(spellings.cert);
  if (buildout && !keyFile && !certFile && /^https:/i.test(url) && buildout.hasSection('slap-connection')) {
    const s = buildout.section('slap-connection');
    if (s.get('server-url') === url) {
      keyFile = s.get('key-file') || undefined;
      certFile = s.get('cert-file') || undefined;
    }
  }
  const target = { slap: new SyncSlap({ url, keyFile, certFile }), url, computer: pick(spellings.computer), partition: pick(spellings.partition) };
  touchTransactionFile(target.partition);
  return target;
}

/** The master of [slap-connection] (with its key-file and cert-file), when the profile has one with a server URL (else the recipe works offline). */
export function slapConnection(buildout: BuildoutView): SlapTarget | undefined {
  if (!buildout.hasSection('slap-connection')) return undefined;
  const s = buildout.section('slap-connection');
  const url = s.get('server-url');
  if (!url) return undefined;
  const target = { slap: new SyncSlap({ url, keyFile: s.get('key-file') || undefined, certFile: s.get('cert-file') || undefined }), url, computer: s.require('computer-id'), partition: s.require('partition-id') };
  touchTransactionFile(target.partition);
  return target;
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
