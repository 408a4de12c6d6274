// What compiled templates need from their environment (Environment
// implements it): filters, tests, attribute and item access, the undefined
// factory and the loading of other templates. Its own file so the compiler
// and the optimizer both depend on it, not on each other.
import type { Kwargs, PyValue } from '../python/index.ts';
import type { BlockFn, Context } from './runtime/context.ts';
import type { TemplateModule } from './runtime/objects.ts';
import type { Missing, UndefinedFactory } from './runtime/undefined.ts';

export interface FilterCall {
  (env: CompileEnv, ctx: Context, autoescape: boolean, value: PyValue, args: PyValue[], kwargs: Kwargs): PyValue;
  /** The Python function's qualified name, for messages ('jinja2.filters.do_center'). */
  qualname?: string;
  /** Takes the template context (pass_context): never evaluated while compiling. */
  passContext?: boolean;
}

export interface LoadedTemplate {
  readonly name: string | null;
  readonly blocks: ReadonlyMap<string, BlockFn>;
  rootRender(ctx: Context, out: string[]): void;
  newContext(vars: ReadonlyMap<string, PyValue> | null, shared: boolean, locals: ReadonlyMap<string, PyValue | Missing> | null): Context;
  makeModule(vars: ReadonlyMap<string, PyValue> | null, shared: boolean, locals: ReadonlyMap<string, PyValue | Missing> | null): TemplateModule;
  defaultModule(ctx?: Context): TemplateModule;
}

export interface CompileEnv {
  readonly undefined: UndefinedFactory;
  readonly filters: ReadonlyMap<string, FilterCall>;
  readonly tests: ReadonlyMap<string, FilterCall>;
  getattr(obj: PyValue, name: string): PyValue;
  getitem(obj: PyValue, key: PyValue): PyValue;
  getTemplate(name: PyValue, parent: string | null): LoadedTemplate;
  selectTemplate(names: PyValue, parent: string | null): LoadedTemplate;
  getOrSelectTemplate(name: PyValue, parent: string | null): LoadedTemplate;
}
