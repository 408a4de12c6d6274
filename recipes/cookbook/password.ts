// slapos.cookbook:generate.password (docs/slapos-recipes.md#generatepassword):
// a password generated once and kept in `storage-path` (default
// `${buildout:parts-directory}/<part>`, written back at init), so that it is
// the same on every run.
//
// Storage: JSON `{"": "<password>"}` (Python's json.dumps with sorted keys,
// written as open(path, 'w') does: 0666 less the umask, as the real recipe); an old plain-text file (the password, maybe followed by a
// newline) is read and rewritten as JSON. Init reads the storage, or takes
// `passwd` when the profile forces one, or generates `bytes` characters
// (default 16) of [A-Za-z0-9] from a cryptographic source, and sets `passwd`
// as a volatile option: it never goes into .installed.cfg, so a password
// never causes a reinstall. Install writes the storage if its content
// changed (no directory made: open(path, 'w') fails on a missing one); with
// `create-once` (the default) the file is not returned, so it survives an
// uninstall and the next install finds the same password. Update stores only
// a password generated in this run. `storage-path =` (empty) keeps nothing.
//
// `passwd-<scheme>` (not an option of the section) is computed when first
// read, as passlib's `<scheme>` hash of the password (lib/passlib.ts), kept
// in the storage beside it (so the next run reads the same hash) and never
// saved in .installed.cfg, as the original's HashedPasswordDict does.
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonDumps, jsonLoads, PyDict } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { isTrue, writeAsOpen } from '../lib/files.ts';
import { passlibHash } from '../lib/passlib.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function generatePassword(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

interface Stored {
  passwd: string;
  /** Other keys of a JSON storage (cached hashes), kept while the password is unchanged. */
  extra: Map<string, string>;
}

/** Read a storage file: JSON with key "", or the old plain format. Missing: undefined. */
export function readStorage(path: string): Stored | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RecipeError(`cannot read the password storage ${path}: ${(e as NodeJS.ErrnoException).code}`);
  }
  try {
    const d = jsonLoads(text);
    if (d instanceof PyDict && typeof d.get('') === 'string') {
      const extra = new Map<string, string>();
      for (const [k, v] of d.entries()) if (k !== '' && typeof k === 'string' && typeof v === 'string') extra.set(k, v);
      return { passwd: d.get('') as string, extra };
    }
  } catch {
    // the old plain format
  }
  const passwd = text.replace(/\r?\n$/, '');
  return passwd ? { passwd, extra: new Map() } : undefined;
}

export function storageText(passwd: string, extra: ReadonlyMap<string, string> = new Map()): string {
  return jsonDumps(new PyDict([['', passwd], ...extra]), { sortKeys: true });
}

export const password: RecipeModule = {
  names: ['slapos.cookbook:generate.password'],
  pureInit: true,
  // a password drawn now is not the one a run would store
  inspect({ name, options, buildout }) {
    const storage = options.get('storage-path') ?? join(buildout.section('buildout').require('parts-directory'), name);
    return !options.has('passwd') && (!storage || !existsSync(storage)) ? { unknown: ['passwd'] } : undefined;
  },
  schema: {
    doc: 'Generates (once) and stores a password; sets `passwd`.',
    options: {
      bytes: { doc: 'the length of a generated password', default: '16' },
      'storage-path': { doc: 'where the password is kept (JSON, mode 0666 less the umask); empty: nowhere. Written back at init', default: '${buildout:parts-directory}/<part>' },
      'create-once': { doc: 'true (default): the storage file survives an uninstall', default: 'true' },
      passwd: { doc: 'the password (set by the recipe, volatile); given in the profile, it is forced' },
    },
    anyOptions: true,
    generated: ['passwd', 'storage-path'],
    // passwd-<scheme>: passlib's hash of the password, computed when read
    generatedPrefixes: ['passwd-'],
  },
  init({ name, options, buildout }) {
    let storagePath = options.get('storage-path');
    if (storagePath === undefined) {
      storagePath = join(buildout.section('buildout').require('parts-directory'), name);
      options.set('storage-path', storagePath);
    }
    const createOnce = isTrue(options.get('create-once'), true);
    const bytesText = options.get('bytes') ?? '16';
    if (!/^\s*\d+\s*$/.test(bytesText)) throw new RecipeError(`[${name}] bytes: invalid length '${bytesText}'`);
    const forced = options.get('passwd');
    const stored = storagePath ? readStorage(storagePath) : undefined;
    let generated = false;
    let passwd: string;
    if (forced) passwd = forced;
    else if (stored?.passwd) passwd = stored.passwd;
    else {
      passwd = generatePassword(Number(bytesText));
      generated = true;
    }
    options.setVolatile('passwd', passwd);
    // the stored hashes stay with the stored password, and (as the original
    // keeps the JSON it read) beside one generated for an empty stored one
    const extra = stored && (stored.passwd === passwd || generated) ? stored.extra : new Map<string, string>();
    const path = storagePath;
    options.computeMissing((key) => {
      if (!key.startsWith('passwd-')) return undefined;
      let hashed = extra.get(key);
      if (hashed === undefined) {
        hashed = passlibHash(key.slice('passwd-'.length), passwd);
        if (hashed !== undefined) extra.set(key, hashed);
      }
      return hashed;
    });

    const install = () => {
      if (!path) return [];
      // open(path, 'w'): its directory is not made (a missing one fails the part)
      // kept across uninstalls with create-once (not the part's path): not announced then
      writeAsOpen(path, storageText(passwd, extra), { owned: !createOnce });
      return createOnce ? [] : [path];
    };
    // only a password generated in this run (the storage missing or empty) is
    // stored by update; a forced `passwd` is stored by install alone, so a
    // lost storage stays lost and a stale one stale until the part reinstalls
    return { install, update: generated ? install : () => undefined };
  },
};
