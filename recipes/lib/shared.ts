// Shared parts (docs/slapos-recipes.md#shared-parts): a part that says
// `shared = true` goes, when `[buildout] shared-part-list` names
// directories, to `<directory>/<part>/<md5 of its options>` — the first of
// those directories where it exists already, else the last one — so that
// software releases with the same build of a component share it; without
// the list it is an ordinary part, `${buildout:parts-directory}/<part>`.
// The components say `location = @@LOCATION@@` and use `@@LOCATION@@` in
// other options (`--prefix=@@LOCATION@@`): the recipe replaces it in every
// option with the location it computed (slapos.recipe.build's Shared class,
// slapos.recipe.cmmi's constructor).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecipeError, type PartOptions, type RecipeContext } from '../api.ts';
import { md5Hex } from './files.ts';

export const LOCATION_PLACEHOLDER = '@@LOCATION@@';

/**
 * The file a built shared part holds its signature in (slapos.recipe.build's
 * Shared writes it last; slapos.core's checks read it): without it, or with
 * another signature, the part is not built.
 */
export const SHARED_SIGNATURE_FILE = '.buildout-shared.json';

/** Python's `json.dumps(d, indent=0, sort_keys=True, separators=(',', ': '))` of a dict of strings (ASCII output). */
function pythonJsonOfStrings(d: Record<string, string>): string {
  const str = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const keys = Object.keys(d).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (!keys.length) return '{}';
  return '{\n' + keys.map((k) => `${str(k)}: ${str(d[k]!)}`).join(',\n') + '\n}';
}

/**
 * The signature a shared part is placed by: its options (the profile's
 * base location written `${:_profile_base_location_}`, so that the same
 * component from two checkouts is one build), as slapos.recipe.build's
 * Shared hashes them. The fork's `__buildout_signature__` (the recipe's
 * distributions and the dependencies' hashes) is not part of it here: it is
 * computed later, for the record, and tsbuildout's differs anyway.
 */
export function sharedSignature(options: PartOptions): string {
  const base = options.get('_profile_base_location_');
  const d: Record<string, string> = {};
  for (const k of options.keys()) {
    if (k === '_profile_base_location_' || k === '__buildout_signature__') continue;
    const v = options.get(k) ?? '';
    d[k] = base ? v.split(base).join('${:_profile_base_location_}') : v;
  }
  return pythonJsonOfStrings(d);
}

export interface PartPlace {
  location: string;
  /** Placed under shared-part-list. */
  shared: boolean;
}

/**
 * Where a part goes. `shared`: what its `shared` option says (each recipe
 * reads it its way). Its own `location` is kept when it names a place
 * (not empty, not @@LOCATION@@) and the part is not shared.
 */
export function partPlace(ctx: Pick<RecipeContext, 'name' | 'options' | 'buildout'>, shared: boolean): PartPlace {
  const b = ctx.buildout.section('buildout');
  const list = shared ? (b.get('shared-part-list') ?? '').split('\n').map((l) => l.trim().replace(/\/+$/, '')).filter(Boolean) : [];
  if (list.length) {
    const digest = md5Hex(sharedSignature(ctx.options));
    let location = '';
    for (const dir of list) {
      location = join(dir, ctx.name, digest);
      if (existsSync(location)) break;
    }
    return { location, shared: true };
  }
  const own = ctx.options.get('location')?.trim();
  if (own && own !== LOCATION_PLACEHOLDER) return { location: own, shared: false };
  return { location: join(b.require('parts-directory'), ctx.name), shared: false };
}

/** slapos.recipe.build's `shared` option: exactly `true` or `false` (its is_true), default false. */
export function buildSharedOption(options: PartOptions, part: string): boolean {
  const v = options.get('shared')?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw new RecipeError(`[${part}] shared: expected true or false, got '${v}'`);
}

/** Set `location` and replace @@LOCATION@@ in every option with it. */
export function placePart(options: PartOptions, location: string): void {
  options.set('location', location);
  for (const k of options.keys()) {
    const v = options.get(k);
    if (v?.includes(LOCATION_PLACEHOLDER)) options.set(k, v.split(LOCATION_PLACEHOLDER).join(location));
  }
}
