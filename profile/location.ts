// Where an extends entry points, by zc.buildout's rules
// (docs/buildout-language.md#extends-entries): URLs, local paths relative to
// the including file, local files named from a remote file. Paths are joined,
// not normalised, as zc.buildout does: the joined spelling is what annotations
// and `_profile_base_location_` show.
import { dirname, isAbsolute, resolve } from 'node:path';

/** zc.buildout's _isurl: a scheme followed by `://` at the start. */
export function isUrl(s: string): boolean {
  return /^[a-zA-Z0-9+.-]+:\/\//.test(s);
}

export interface Located {
  /** The name as zc.buildout spells it (annotations, error messages). */
  name: string;
  /** A normalised identity: the same file reached by two spellings is one file. */
  key: string;
  remote: boolean;
  /** The base for the extends of this file: its directory, or the URL up to its last `/`. */
  base: string;
}

function urlBase(url: string): string {
  return url.slice(0, url.lastIndexOf('/'));
}

function normaliseUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/**
 * Resolve an extends entry against the base of the file that names it.
 * `dotDot`: the SlapOS fork resolves leading `../` of a name relative to a
 * remote base by cutting path components off the base URL.
 */
export function locate(base: string, name: string, dotDot: boolean): Located {
  if (isUrl(name)) return { name, key: normaliseUrl(name), remote: true, base: urlBase(name) };
  if (isUrl(base)) {
    if (isAbsolute(name)) return { name, key: resolve(name), remote: false, base: dirname(name) };
    let b = base;
    let n = name;
    if (dotDot) {
      while (n.startsWith('../')) {
        n = n.slice(3);
        b = b.slice(0, b.lastIndexOf('/'));
      }
    }
    const url = b + '/' + n;
    return { name: url, key: normaliseUrl(url), remote: true, base: urlBase(url) };
  }
  const path = pyJoin(base, name);
  return { name: path, key: normalisePath(path), remote: false, base: dirname(path) };
}

/**
 * path.resolve() of a path, by its segments when it is absolute: the same
 * result, without the character-by-character loop of node:path, which runs
 * cold for every extends entry a profile names (910 for erp5).
 */
export function normalisePath(path: string): string {
  if (path.charCodeAt(0) !== 47) return resolve(path);
  let known = normalised.get(path);
  if (known === undefined) {
    const out: string[] = [];
    for (const s of path.split('/')) {
      if (s === '' || s === '.') continue;
      if (s === '..') out.pop();
      else out.push(s);
    }
    known = '/' + out.join('/');
    // the same spellings come back profile after profile (lint of a tree, an editor's session); bounded
    if (normalised.size >= 50_000) normalised.clear();
    normalised.set(path, known);
  }
  return known;
}

const normalised = new Map<string, string>();

/** os.path.join: an absolute name wins; nothing is normalised. */
export function pyJoin(base: string, name: string): string {
  if (isAbsolute(name)) return name;
  if (base === '' || base.endsWith('/')) return base + name;
  return base + '/' + name;
}

/** The root configuration: a URL, or a path made absolute against the working directory. */
export function locateRoot(config: string, cwd: string): Located {
  if (isUrl(config)) return { name: config, key: normaliseUrl(config), remote: true, base: urlBase(config) };
  const path = resolve(cwd, config);
  return { name: path, key: path, remote: false, base: dirname(path) };
}
