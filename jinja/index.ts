// Jinja2 3.1 with Python semantics: public entry points.

export { Environment, Template, contextFromJS, type EnvironmentOptions, type RenderContext } from './environment.ts';
export { ChoiceLoader, DictLoader, FileLoader, FileSystemLoader, FunctionLoader, PrefixLoader, type Loader, type TemplateSource } from './loaders.ts';
export { TemplateAssertionError, TemplateNotFound, TemplateSyntaxError } from './errors.ts';
export { Undefined, StrictUndefined } from './runtime/undefined.ts';
export { Markup, escape } from './runtime/markup.ts';
export { Macro } from './runtime/macro.ts';
export type { FilterCall } from './compile-env.ts';
export { pyFunction, type FilterScope } from './filters.ts';
export type { Template as TemplateNode } from './nodes.ts';
export { RECIPE_BUILTIN_NAMES, recipeBuiltinGlobals } from './globals.ts';
export { findAll } from './nodes.ts';
export { EXTENSION_TAGS, Parser } from './parser.ts';
export type { TagParser } from './parser.ts';
