// The Jinja2 loader of slapos.recipe.template:jinja2's `import-list`: a
// PrefixLoader keyed by alias that also accepts a bare alias
// (RelaxedPrefixLoader), over loaders of one file or of a folder, reading
// with the part's `encoding`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { pyJoin } from '../../profile/location.ts';
import { TemplateNotFound, type Loader, type TemplateSource } from '../../jinja/index.ts';
import { decodeBytes, normpath, PyBytes } from '../../python/index.ts';
import type { ImportEntry } from './context.ts';


/** A file's text decoded as Python's `f.read().decode(encoding)` does. */
export function readText(path: string, encoding: string): string {
  return decodeText(readFileSync(path), encoding);
}

/** Bytes decoded as Python's `data.decode(encoding)` does (strict). */
export function decodeText(data: Buffer, encoding: string): string {
  if (/^utf-?8$/i.test(encoding)) {
    // the common case, done by the platform (fatal on invalid bytes, as Python is)
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    } catch {
      // fall through for Python's exact UnicodeDecodeError
    }
  }
  return decodeBytes(new PyBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)), encoding, 'strict');
}

abstract class RecipeBaseLoader implements Loader {
  readonly base: string;
  constructor(
    path: string,
    readonly delimiter: string,
    readonly encoding: string,
  ) {
    this.base = normpath(path);
  }
  protected abstract path(template: string): string | null;
  getSource(template: string): TemplateSource {
    const path = this.path(template);
    if (path === null || !existsSync(path)) throw new TemplateNotFound(template);
    const mtime = statSync(path).mtimeMs;
    const source = readText(path, this.encoding);
    return { source, filename: path, uptodate: () => existsSync(path) && statSync(path).mtimeMs === mtime };
  }
}

/** One file: only the empty name (the bare alias). */
export class RecipeFileLoader extends RecipeBaseLoader {
  protected path(template: string): string | null {
    return template ? null : this.base;
  }
}

/** A folder: names split on the delimiter, never outside the folder. */
export class RecipeFolderLoader extends RecipeBaseLoader {
  protected path(template: string): string | null {
    const path = normpath(template.split(this.delimiter).reduce(pyJoin, this.base));
    return path.startsWith(this.base) ? path : null;
  }
}

/** Jinja2's PrefixLoader with slapos.recipe.template's relaxation: 'alias' means 'alias' + delimiter. */
export class RelaxedPrefixLoader implements Loader {
  constructor(
    private readonly mapping: ReadonlyMap<string, Loader>,
    private readonly delimiter: string,
  ) {}
  getSource(template: string): TemplateSource {
    let name = template;
    if (!name.includes(this.delimiter)) name += this.delimiter;
    const at = name.indexOf(this.delimiter);
    const loader = this.mapping.get(name.slice(0, at));
    // get_loader's TemplateNotFound carries the relaxed name
    if (!loader) throw new TemplateNotFound(name);
    try {
      return loader.getSource(name.slice(at + this.delimiter.length));
    } catch (e) {
      if (e instanceof TemplateNotFound) throw new TemplateNotFound(template);
      throw e;
    }
  }
}

export function importLoader(entries: readonly ImportEntry[], delimiter: string, encoding: string): Loader | null {
  if (!entries.length) return null;
  const mapping = new Map<string, Loader>();
  for (const e of entries) {
    mapping.set(e.alias, e.kind === 'file' ? new RecipeFileLoader(e.path, delimiter, encoding) : new RecipeFolderLoader(e.path, delimiter, encoding));
  }
  return new RelaxedPrefixLoader(mapping, delimiter);
}
