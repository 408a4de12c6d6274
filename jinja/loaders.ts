// Template loaders: where `{% import %}`, `{% include %}`, `{% extends %}`
// and Environment.getTemplate find templates by name.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { TemplateNotFound } from './errors.ts';

export interface TemplateSource {
  source: string;
  /** The file the source came from, for messages; null for in-memory templates. */
  filename: string | null;
  /** Whether a cached compilation is still valid; absent means always. */
  uptodate?: () => boolean;
}

export interface Loader {
  /** The source of a template; throws TemplateNotFound when there is none. */
  getSource(name: string): TemplateSource;
  /** The template names this loader knows, when it can list them. */
  listTemplates?(): string[];
}

/** Templates given as a name → source mapping (Jinja2's DictLoader). */
export class DictLoader implements Loader {
  private readonly mapping: ReadonlyMap<string, string>;
  constructor(mapping: ReadonlyMap<string, string> | Record<string, string>) {
    this.mapping = mapping instanceof Map ? mapping : new Map(Object.entries(mapping));
  }
  getSource(name: string): TemplateSource {
    const source = this.mapping.get(name);
    if (source === undefined) throw new TemplateNotFound(name);
    return { source, filename: null, uptodate: () => this.mapping.get(name) === source };
  }
  listTemplates(): string[] {
    return [...this.mapping.keys()].sort();
  }
}

/** Templates from a function: a source, or null when there is no such template. */
export class FunctionLoader implements Loader {
  constructor(private readonly load: (name: string) => string | TemplateSource | null) {}
  getSource(name: string): TemplateSource {
    const rv = this.load(name);
    if (rv === null) throw new TemplateNotFound(name);
    return typeof rv === 'string' ? { source: rv, filename: null } : rv;
  }
}

/** Splits a template path into segments, refusing to leave the search path. */
function splitTemplatePath(name: string): string[] {
  const pieces: string[] = [];
  for (const piece of name.split('/')) {
    if (piece.includes(sep) || piece === '..') throw new TemplateNotFound(name);
    if (piece && piece !== '.') pieces.push(piece);
  }
  return pieces;
}

/** Templates from folders (Jinja2's FileSystemLoader). */
export class FileSystemLoader implements Loader {
  private readonly searchpath: string[];
  constructor(
    searchpath: string | string[],
    private readonly encoding: BufferEncoding = 'utf8',
  ) {
    this.searchpath = Array.isArray(searchpath) ? searchpath : [searchpath];
  }
  getSource(name: string): TemplateSource {
    const pieces = splitTemplatePath(name);
    for (const dir of this.searchpath) {
      const filename = normalize(join(dir, ...pieces));
      if (existsSync(filename) && statSync(filename).isFile()) {
        const mtime = statSync(filename).mtimeMs;
        return {
          source: readFileSync(filename, this.encoding),
          filename,
          uptodate: () => existsSync(filename) && statSync(filename).mtimeMs === mtime,
        };
      }
    }
    throw new TemplateNotFound(name);
  }
}

/** One file, whatever the name asked for is empty (an import-list `file` entry). */
export class FileLoader implements Loader {
  constructor(
    private readonly path: string,
    private readonly encoding: BufferEncoding = 'utf8',
  ) {}
  getSource(name: string): TemplateSource {
    if (name !== '' || !existsSync(this.path)) throw new TemplateNotFound(name);
    return { source: readFileSync(this.path, this.encoding), filename: this.path };
  }
}

/**
 * Loaders by prefix: 'prefix/rest' asks mapping[prefix] for 'rest' (Jinja2's
 * PrefixLoader). With `bareAlias`, a name without the delimiter asks
 * mapping[name] for '' — what slapos.recipe.template's import-list allows
 * (`{% import 'caucase' as caucase %}`).
 */
export class PrefixLoader implements Loader {
  private readonly mapping: ReadonlyMap<string, Loader>;
  constructor(
    mapping: ReadonlyMap<string, Loader> | Record<string, Loader>,
    private readonly options: { delimiter?: string; bareAlias?: boolean } = {},
  ) {
    this.mapping = mapping instanceof Map ? mapping : new Map(Object.entries(mapping));
  }
  getSource(name: string): TemplateSource {
    const delimiter = this.options.delimiter ?? '/';
    const at = name.indexOf(delimiter);
    let loader: Loader | undefined;
    let rest: string;
    if (at < 0) {
      if (!this.options.bareAlias) throw new TemplateNotFound(name);
      loader = this.mapping.get(name);
      rest = '';
    } else {
      loader = this.mapping.get(name.slice(0, at));
      rest = name.slice(at + delimiter.length);
    }
    if (!loader) throw new TemplateNotFound(name);
    try {
      return loader.getSource(rest);
    } catch (e) {
      if (e instanceof TemplateNotFound) throw new TemplateNotFound(name);
      throw e;
    }
  }
}

/** The first loader that has the template (Jinja2's ChoiceLoader). */
export class ChoiceLoader implements Loader {
  constructor(private readonly loaders: readonly Loader[]) {}
  getSource(name: string): TemplateSource {
    for (const loader of this.loaders) {
      try {
        return loader.getSource(name);
      } catch (e) {
        if (!(e instanceof TemplateNotFound)) throw e;
      }
    }
    throw new TemplateNotFound(name);
  }
}
