// The Environment (options, filters, tests, globals, the loader and its
// cache) and the Template (parse once, render many times).

import { asRecursionError, asStr, fromJS, getItem, iterate, lookupAttr, PyDict, PyException, PyList, PyObject, PyTuple, str, type PyValue } from '../python/index.ts';
import type { CompileEnv, FilterCall, LoadedTemplate } from './compile-env.ts';
import { CodeGenerator } from './compiler.ts';
import { TemplateNotFound, TemplateSyntaxError } from './errors.ts';
import { DEFAULT_FILTERS } from './filters.ts';
import { DEFAULT_GLOBALS } from './globals.ts';
import type { Loader } from './loaders.ts';
import type { Template as TemplateNode } from './nodes.ts';
import { EXTENSION_TAGS, Parser, type TagParser } from './parser.ts';
import { beginRender, endRender } from './runtime/budget.ts';
import { newContext, type BlockFn, type Context } from './runtime/context.ts';
import { TemplateModule } from './runtime/objects.ts';
import { Undefined, makeChainableUndefined, makeStrictUndefined, makeUndefined, type Missing, type UndefinedFactory } from './runtime/undefined.ts';
import { DEFAULT_TESTS } from './tests.ts';

export interface EnvironmentOptions {
  /**
   * 'strict' raises on any use of an undefined value (what SlapOS uses);
   * 'default' prints ''; 'chainable' also lets attributes and items of an
   * undefined value be undefined.
   */
  undefined?: 'strict' | 'default' | 'chainable';
  /** 'jinja2.ext.do' and 'jinja2.ext.loopcontrols' are known. */
  extensions?: readonly string[];
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
  newlineSequence?: '\n' | '\r\n' | '\r';
  loader?: Loader | null;
  /** Added to (and overriding) range, dict, lipsum, cycler, joiner, namespace. */
  globals?: ReadonlyMap<string, PyValue> | Record<string, PyValue>;
  filters?: ReadonlyMap<string, FilterCall> | Record<string, FilterCall>;
  tests?: ReadonlyMap<string, FilterCall> | Record<string, FilterCall>;
  /** Compiled templates kept by name (Jinja2's cache_size); 0 disables the cache. */
  cacheSize?: number;
}

/** Render variables: a Map, a plain object of Python values, or a dict with str keys. */
export type RenderContext = ReadonlyMap<string, PyValue> | Record<string, PyValue> | PyDict;

function toMap<V>(x: ReadonlyMap<string, V> | Record<string, V> | undefined): Map<string, V> {
  if (!x) return new Map();
  return x instanceof Map ? new Map(x) : new Map(Object.entries(x));
}

function contextVars(vars: RenderContext | undefined): Map<string, PyValue> {
  if (!vars) return new Map();
  if (vars instanceof PyDict) {
    const m = new Map<string, PyValue>();
    for (const [k, v] of vars.entries()) {
      const key = asStr(k);
      if (key === undefined) throw new PyException('TypeError', 'keywords must be strings');
      m.set(key, v);
    }
    return m;
  }
  // a Map is only read (new_context copies it into the context's parent)
  if (vars instanceof Map) return vars as Map<string, PyValue>;
  return toMap(vars as Record<string, PyValue>);
}

export class Environment implements CompileEnv {
  readonly undefined: UndefinedFactory;
  readonly filters: Map<string, FilterCall>;
  readonly tests: Map<string, FilterCall>;
  readonly globals: Map<string, PyValue>;
  readonly loader: Loader | null;
  readonly trimBlocks: boolean;
  readonly lstripBlocks: boolean;
  readonly keepTrailingNewline: boolean;
  readonly newlineSequence: string;
  readonly extensions: readonly string[];
  private readonly tags = new Map<string, TagParser>();
  private readonly cache = new Map<string, { template: Template; uptodate?: () => boolean }>();
  private readonly cacheSize: number;

  constructor(options: EnvironmentOptions = {}) {
    this.undefined = options.undefined === 'default' ? makeUndefined
      : options.undefined === 'chainable' ? makeChainableUndefined
      : makeStrictUndefined;
    this.extensions = options.extensions ?? [];
    for (const ext of this.extensions) {
      const tags = EXTENSION_TAGS[ext];
      if (!tags) throw new PyException('ModuleNotFoundError', `No module named '${ext.split('.').slice(0, -1).join('.')}'`);
      for (const [k, v] of Object.entries(tags)) this.tags.set(k, v);
    }
    this.trimBlocks = options.trimBlocks ?? false;
    this.lstripBlocks = options.lstripBlocks ?? false;
    this.keepTrailingNewline = options.keepTrailingNewline ?? false;
    this.newlineSequence = options.newlineSequence ?? '\n';
    this.loader = options.loader ?? null;
    this.filters = new Map([...DEFAULT_FILTERS, ...toMap(options.filters)]);
    this.tests = new Map([...DEFAULT_TESTS, ...toMap(options.tests)]);
    this.globals = new Map([...DEFAULT_GLOBALS, ...toMap(options.globals)]);
    this.cacheSize = options.cacheSize ?? 400;
  }

  /** Parses a template into its syntax tree (TemplateSyntaxError on bad syntax). */
  parse(source: string, name: string | null = null): TemplateNode {
    return new Parser(source, name, {
      extensions: this.tags,
      trimBlocks: this.trimBlocks,
      lstripBlocks: this.lstripBlocks,
      keepTrailingNewline: this.keepTrailingNewline,
      newlineSequence: this.newlineSequence,
    }).parse();
  }

  /** Compiles template text. `name` appears in error messages (Jinja2's from_string has none). */
  fromString(source: string, name: string | null = null, globals?: RenderContext): Template {
    return this.compileTemplate(source, name, null, globals);
  }

  private compileTemplate(source: string, name: string | null, filename: string | null, globals?: RenderContext): Template {
    try {
      const tree = this.parse(source, name);
      const compiled = new CodeGenerator(this, name).compileTemplate(tree);
      return new Template(this, compiled.root, compiled.blocks, name, filename, new Map(contextVars(globals)));
    } catch (e) {
      // a template nested thousands deep: Jinja2's recursive parser fails the same way
      throw asRecursionError(e);
    }
  }

  /** environment.getattr: the attribute, else the item, else an Undefined. */
  getattr(obj: PyValue, name: string): PyValue {
    try {
      const v = lookupAttr(obj, name);
      if (v !== undefined) return v;
    } catch (e) {
      if (!(e instanceof PyException && e.isInstance('AttributeError'))) throw e;
    }
    try {
      return getItem(obj, name);
    } catch (e) {
      if (e instanceof PyException && (e.isInstance('TypeError') || e.isInstance('LookupError') || e.isInstance('AttributeError'))) {
        return this.undefined(null, obj, name);
      }
      throw e;
    }
  }

  /** environment.getitem: the item, else (for str keys) the attribute, else an Undefined. */
  getitem(obj: PyValue, key: PyValue): PyValue {
    try {
      return getItem(obj, key);
    } catch (e) {
      if (!(e instanceof PyException && (e.isInstance('TypeError') || e.isInstance('LookupError') || e.isInstance('AttributeError')))) {
        throw e;
      }
      const name = asStr(key);
      if (name !== undefined) {
        try {
          const v = lookupAttr(obj, name);
          if (v !== undefined) return v;
        } catch (e2) {
          if (!(e2 instanceof PyException && e2.isInstance('AttributeError'))) throw e2;
        }
      }
      return this.undefined(null, obj, key);
    }
  }

  private loadTemplate(name: string, globals?: RenderContext): Template {
    if (!this.loader) throw new PyException('TypeError', 'no loader for this environment specified');
    const cached = this.cache.get(name);
    if (cached && (!cached.uptodate || cached.uptodate())) {
      // refresh its place for the LRU order
      this.cache.delete(name);
      this.cache.set(name, cached);
      if (globals) for (const [k, v] of contextVars(globals)) cached.template.globals.set(k, v);
      return cached.template;
    }
    const { source, filename, uptodate } = this.loader.getSource(name);
    const template = this.compileTemplate(source, name, filename, globals);
    if (this.cacheSize !== 0) {
      this.cache.set(name, { template, uptodate });
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    }
    return template;
  }

  /** A template by name through the loader; `parent` is the template asking (unused by join_path). */
  getTemplate(name: PyValue, _parent: string | null = null, globals?: RenderContext): Template {
    if (name instanceof Template) return name;
    if (name instanceof Undefined) name.fail();
    const key = asStr(name);
    if (key === undefined) throw new TemplateNotFound(str(name));
    return this.loadTemplate(key, globals);
  }

  /** The first template of a list that exists (TemplatesNotFound if none). */
  selectTemplate(names: PyValue, _parent: string | null = null, globals?: RenderContext): Template {
    if (names instanceof Undefined) names.fail();
    const list = names instanceof PyList || names instanceof PyTuple ? [...names.items] : [...iterate(names)];
    if (list.length === 0) {
      throw new TemplateNotFound('', 'Tried to select from an empty list of templates.', [], 'TemplatesNotFound');
    }
    for (const name of list) {
      if (name instanceof Template) return name;
      try {
        return this.getTemplate(name, null, globals);
      } catch (e) {
        if (!(e instanceof PyException && (e.isInstance('TemplateNotFound') || e.pyType === 'UndefinedError'))) throw e;
      }
    }
    const parts = list.map((x) => (x instanceof Undefined ? x.message : str(x)));
    throw new TemplateNotFound(
      str(list[list.length - 1]!),
      `none of the templates given were found: ${parts.join(', ')}`,
      parts,
      'TemplatesNotFound',
    );
  }

  getOrSelectTemplate(name: PyValue, parent: string | null = null, globals?: RenderContext): Template {
    if (asStr(name) !== undefined || name instanceof Undefined) return this.getTemplate(name, parent, globals);
    if (name instanceof Template) return name;
    return this.selectTemplate(name, parent, globals);
  }

  /** Calls a filter by name, as `value|name(*args, **kwargs)` does. */
  callFilter(name: string, value: PyValue, args: PyValue[], kwargs: Map<string, PyValue>, ctx: Context): PyValue {
    const f = this.filters.get(name);
    if (!f) throw new PyException('TemplateRuntimeError', `No filter named '${name}'.`);
    return f(this, ctx, false, value, args, kwargs);
  }

  callTest(name: string, value: PyValue, args: PyValue[], kwargs: Map<string, PyValue>, ctx: Context): PyValue {
    const f = this.tests.get(name);
    if (!f) throw new PyException('TemplateRuntimeError', `No test named '${name}'.`);
    return f(this, ctx, false, value, args, kwargs);
  }
}

/** A compiled template: render it as often as needed. */
export class Template extends PyObject implements LoadedTemplate {
  private module: TemplateModule | null = null;

  constructor(
    readonly environment: Environment,
    private readonly root: (ctx: Context, out: string[]) => void,
    readonly blocks: ReadonlyMap<string, BlockFn>,
    readonly name: string | null,
    readonly filename: string | null,
    /** Globals of this template only (over the environment's). */
    readonly globals: Map<string, PyValue>,
  ) {
    super();
  }

  get typeName(): string {
    return 'Template';
  }
  override get typeModule(): string {
    return 'jinja2.environment';
  }

  /** template.module: the default module (rendered once, then cached). */
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'module') return this.defaultModule();
    if (name === 'name') return this.name;
    if (name === 'filename') return this.filename;
    return undefined;
  }

  private allGlobals(): Map<string, PyValue> {
    if (!this.globals.size) return this.environment.globals;
    return new Map([...this.environment.globals, ...this.globals]);
  }

  /** Renders with the given variables (over the globals). */
  render(vars?: RenderContext): string {
    const out: string[] = [];
    beginRender();
    try {
      this.root(this.newContext(contextVars(vars), false, null), out);
    } catch (e) {
      throw asRecursionError(e);
    } finally {
      endRender();
    }
    return out.join('');
  }

  rootRender(ctx: Context, out: string[]): void {
    this.root(ctx, out);
  }

  newContext(vars: ReadonlyMap<string, PyValue> | null, shared: boolean, locals: ReadonlyMap<string, PyValue | Missing> | null): Context {
    return newContext(this.name, this.blocks, vars, shared, this.allGlobals(), locals);
  }

  makeModule(vars: ReadonlyMap<string, PyValue> | null = null, shared = false, locals: ReadonlyMap<string, PyValue | Missing> | null = null): TemplateModule {
    const ctx = this.newContext(vars, shared, locals);
    const out: string[] = [];
    beginRender();
    try {
      this.root(ctx, out);
    } finally {
      endRender();
    }
    return new TemplateModule(this.name, ctx.getExported(), out.join(''));
  }

  defaultModule(ctx?: Context): TemplateModule {
    if (ctx) {
      const globals = this.allGlobals();
      const keys = [...ctx.globalsKeys].filter((k) => !globals.has(k));
      if (keys.length) return this.makeModule(new Map(keys.map((k) => [k, ctx.parent.get(k)!])));
    }
    if (!this.module) this.module = this.makeModule();
    return this.module;
  }

  override pyRepr(): string {
    return `<Template ${this.name === null ? 'memory:' + this.address.slice(2) : `'${this.name}'`}>`;
  }
}

/** Plain JavaScript data as render variables (numbers that are integers become int). */
export function contextFromJS(data: Record<string, unknown>): Map<string, PyValue> {
  const m = new Map<string, PyValue>();
  for (const [k, v] of Object.entries(data)) m.set(k, fromJS(v));
  return m;
}

export { TemplateSyntaxError };
